using System.Text.Json;
using Frugal.Hosting.Tests.Cli;

namespace Frugal.Hosting.Tests.Costs;

public sealed class CostCommandTests : IDisposable
{
    private readonly CostLedgerFixture _ledger = new();

    [Theory]
    [InlineData("--by", "color", "--by: 'color' is not one of workflow, tenant, model, tier, step")]
    [InlineData("--format", "pdf", "--format: 'pdf' is not one of table, json, csv, html")]
    [InlineData("--since", "yesterday", "--since: 'yesterday' is not a date (use yyyy-MM-dd or an ISO 8601 time such as 2025-06-01T12:00:00Z)")]
    [InlineData("--until", "2025-13-40", "--until: '2025-13-40' is not a date (use yyyy-MM-dd or an ISO 8601 time such as 2025-06-01T12:00:00Z)")]
    public async Task Report_OptionThatDoesNotParse_ExitsTwoWithMessageAndUsage(string option, string value, string message)
    {
        var (code, output, error) = await CliRunner.RunAsync("cost", "report", "--store", _ledger.Path, option, value);

        Assert.Equal(2, code);
        Assert.Contains(message, error, StringComparison.Ordinal);
        Assert.Contains("Usage:", output + error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Report_UnknownOption_ExitsTwo()
    {
        var (code, _, error) = await CliRunner.RunAsync("cost", "report", "--store", _ledger.Path, "--colour", "red");

        Assert.Equal(2, code);
        Assert.Contains("--colour", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Report_MissingStore_ExitsTwoNamingTheFile()
    {
        var (code, _, error) = await CliRunner.RunAsync("cost", "report", "--store", "/no/such/costs.db");

        Assert.Equal(2, code);
        Assert.Contains("--store: the cost ledger '/no/such/costs.db' does not exist", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Report_JsonByTenantWithPeriod_PrintsFilteredGroups()
    {
        var (code, output, error) = await CliRunner.RunAsync("cost", "report", "--store", _ledger.Path, "--by", "tenant", "--since", "2025-06-01", "--until", "2025-06-02", "--format", "json");

        Assert.Equal(0, code);
        using var json = JsonDocument.Parse(output);
        var group = Assert.Single(json.RootElement.GetProperty("groups").EnumerateArray());
        Assert.Equal("acme", group.GetProperty("key").GetString());
        Assert.Equal(0.021m, group.GetProperty("dollars").GetDecimal());
        Assert.Contains("read 2 cost records", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Report_Csv_PrintsHeaderAndRows()
    {
        var (code, output, _) = await CliRunner.RunAsync("cost", "report", "--store", _ledger.Path, "--by", "model", "--format", "csv");

        Assert.Equal(0, code);
        string[] lines = output.Trim().Split('\n');
        Assert.StartsWith("group,runs,runs_exact,calls,", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("gpt-4o,1,true,1,", lines[1], StringComparison.Ordinal);
        Assert.Equal(3, lines.Length);
    }

    [Fact]
    public async Task Report_Table_PrintsGroupsAndTotals()
    {
        var (code, output, _) = await CliRunner.RunAsync("cost", "report", "--store", _ledger.Path, "--by", "workflow");

        Assert.Equal(0, code);
        Assert.Contains("support", output, StringComparison.Ordinal);
        Assert.Contains("digest", output, StringComparison.Ordinal);
        Assert.Contains("3 records, $0.0250 spent", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Report_HtmlToFile_WritesSelfContainedPage()
    {
        string file = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".html");

        var (code, _, _) = await CliRunner.RunAsync("cost", "report", "--store", _ledger.Path, "--format", "html", "--out", file);

        Assert.Equal(0, code);
        string html = await File.ReadAllTextAsync(file);
        File.Delete(file);
        Assert.Contains("id=\"report-data\"", html, StringComparison.Ordinal);
        Assert.Contains("id=\"chart-cost-per-workflow\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("http://cdn", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<script src", html, StringComparison.OrdinalIgnoreCase);
    }

    public void Dispose() => _ledger.Dispose();
}
