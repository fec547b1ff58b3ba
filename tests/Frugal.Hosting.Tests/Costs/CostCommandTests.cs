using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Frugal.Hosting.Tests.Cli;
using Frugal.Costs;

namespace Frugal.Hosting.Tests.Costs;

public sealed class CostCommandTests : IDisposable
{
    private readonly CostLedgerFixture _ledger = new();

    [Theory]
    [InlineData("--by", "color", "--by: 'color' is not one of workflow, tenant, model, tier, step")]
    [InlineData("--format", "pdf", "--format: 'pdf' is not one of table, json, csv, html")]
    [InlineData("--since", "yesterday", "--since: 'yesterday' is not a date (use yyyy-MM-dd or an ISO 8601 time such as 2025-06-01T12:00:00Z)")]
    [InlineData("--until", "2025-13-40", "--until: '2025-13-40' is not a date (use yyyy-MM-dd or an ISO 8601 time such as 2025-06-01T12:00:00Z)")]
    // Read as 12 June and 7 December of this year: a report asked for from 6 December covered half a year, silently.
    [InlineData("--since", "06/12/2025", "--since: '06/12/2025' is not a date (use yyyy-MM-dd or an ISO 8601 time such as 2025-06-01T12:00:00Z)")]
    [InlineData("--until", "Dec 7", "--until: 'Dec 7' is not a date (use yyyy-MM-dd or an ISO 8601 time such as 2025-06-01T12:00:00Z)")]
    // A tenant no run can have printed an empty report, read as nothing spent (GET /api/costs/report refuses it).
    [InlineData("--tenant", "acme\tcorp", "--tenant: must not contain control characters")]
    public async Task Report_OptionThatDoesNotParse_ExitsTwoWithMessageAndUsage(string option, string value, string message)
    {
        var (code, output, error) = await CliRunner.RunAsync("cost", "report", "--store", _ledger.Path, option, value);

        Assert.Equal(2, code);
        Assert.Contains(message, error, StringComparison.Ordinal);
        Assert.Contains("Usage:", output + error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("cost", "report")]
    [InlineData("plan", null)]
    public async Task Period_EndingBeforeItStarts_ExitsTwo(string command, string? sub)
    {
        string[] args = [command, .. sub is null ? Array.Empty<string>() : [sub], "--store", _ledger.Path, "--since", "2026-12-06", "--until", "2026-12-01"];

        var (code, _, error) = await CliRunner.RunAsync(args);

        Assert.Equal(2, code);
        Assert.Contains("--since '2026-12-06' is not before --until '2026-12-01': the period would run from 2026-12-06 00:00:00 to 2026-12-02 00:00:00 UTC (a date as --until takes in its whole day)", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Report_CallStartedAndNeverFinished_ShowsItUnfinishedApartFromTheSpend()
    {
        // A premium call wrote its start, then the process was killed: no record of its end ever came.
        using (var ledger = new SqliteCostLedger(_ledger.Path))
        {
            await ledger.AppendAsync(
            [
                new CostRecord
                {
                    RunId = "r3", Workflow = "support", StepId = "answer", Tenant = "acme", Tier = CostTier.Premium, Model = "gpt-4o",
                    InputTokens = 120, OutputTokens = 700, Dollars = 0.0073m, Outcome = CostOutcome.Started, Invocation = "killed",
                    StartedAt = CostLedgerFixture.Day1, CompletedAt = CostLedgerFixture.Day1,
                },
            ], CancellationToken.None);
        }

        var (code, output, error) = await CliRunner.RunAsync("cost", "report", "--store", _ledger.Path);
        var (_, json, _) = await CliRunner.RunAsync("cost", "report", "--store", _ledger.Path, "--format", "json");

        Assert.True(code == 0, error);
        Assert.Contains("$0.0250 spent", output, StringComparison.Ordinal);
        Assert.Contains("1 unfinished call(s), outcome unknown, not in the spend above: up to $0.0073 more (support: 1 (up to $0.0073))", output, StringComparison.Ordinal);
        using var report = JsonDocument.Parse(json);
        Assert.Equal(1, report.RootElement.GetProperty("unfinishedCalls").GetInt64());
        Assert.Equal(0.0073m, report.RootElement.GetProperty("unfinishedMaxDollars").GetDecimal());
        Assert.Equal(0.025m, report.RootElement.GetProperty("dollars").GetDecimal());
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
    public async Task Report_OutIsTheLedger_ExitsTwoAndLeavesTheLedgerAlone()
    {
        var before = await File.ReadAllBytesAsync(_ledger.Path);

        var (code, _, error) = await CliRunner.RunAsync("cost", "report", "--store", _ledger.Path, "--format", "json", "--out", _ledger.Path);

        Assert.Equal(2, code);
        Assert.Contains($"--out: '{_ledger.Path}' is a SQLite database (a cost ledger?); a report is not written over it", error, StringComparison.Ordinal);
        Assert.Equal(before, await File.ReadAllBytesAsync(_ledger.Path));
    }

    [Fact]
    public async Task Report_OutThatCannotBeWritten_ExitsTwoNamingIt()
    {
        // The file the user named: it ended with "error: Access to the path '...' is denied", no word of --out.
        if (Cli.LockedPaths.UnwritableFolder() is not { } folder)
        {
            return;
        }

        var file = Path.Combine(folder, "report.csv");

        var (code, _, error) = await CliRunner.RunAsync("cost", "report", "--store", _ledger.Path, "--format", "csv", "--out", file);

        Assert.Equal(2, code);
        Assert.Contains($"--out: cannot write the report to '{file}': Access to the path '{file}' is denied.", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Report_OutInAMissingFolder_ExitsTwoNamingTheFolder()
    {
        var folder = Path.Combine(Path.GetTempPath(), "frugal-no-such-" + Guid.NewGuid().ToString("N"));

        var (code, _, error) = await CliRunner.RunAsync("cost", "report", "--store", _ledger.Path, "--format", "html", "--out", Path.Combine(folder, "r.html"));

        Assert.Equal(2, code);
        Assert.Contains($"--out: the folder '{folder}' does not exist", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("cost", "report")]
    [InlineData("plan", null)]
    [InlineData("purge", null)]
    public async Task LedgerCommands_StoreThatIsNotALedger_ExitTwoSayingSo(string command, string? sub)
    {
        var text = Path.Combine(Path.GetTempPath(), "frugal-notes-" + Guid.NewGuid().ToString("N") + ".txt");
        var empty = Path.ChangeExtension(text, ".db");
        await File.WriteAllTextAsync(text, "not a ledger");
        await File.WriteAllTextAsync(empty, string.Empty);
        try
        {
            string[] Args(string store) => sub is null ? [command, "--store", store] : [command, sub, "--store", store];

            var (code, _, error) = await CliRunner.RunAsync(Args(text));
            var (emptyCode, _, emptyError) = await CliRunner.RunAsync(Args(empty));

            Assert.Equal((2, 2), (code, emptyCode));
            Assert.Contains($"--store: '{text}' is not a cost ledger (not a SQLite database)", error, StringComparison.Ordinal);
            Assert.Contains($"--store: '{empty}' is empty, not a cost ledger", emptyError, StringComparison.Ordinal);
            Assert.Equal(0, new FileInfo(empty).Length);
        }
        finally
        {
            File.Delete(text);
            File.Delete(empty);
        }
    }

    [Theory]
    [InlineData("cost", "report")]
    [InlineData("plan", null)]
    [InlineData("purge", null)]
    public async Task LedgerCommands_StoreThatIsAnotherSqliteDatabase_ExitTwoAndLeaveItAlone(string command, string? sub)
    {
        // The routing feedback file lies next to the ledger: read as one, it got a cost_records table and WAL mode, and
        // the report said nothing was spent.
        var other = Path.Combine(Path.GetTempPath(), "frugal-feedback-" + Guid.NewGuid().ToString("N") + ".db");
        using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={other};Pooling=False"))
        {
            connection.Open();
            using var create = connection.CreateCommand();
            create.CommandText = "CREATE TABLE examples (prompt TEXT)";
            create.ExecuteNonQuery();
        }

        var before = await File.ReadAllBytesAsync(other);
        try
        {
            string[] args = sub is null ? [command, "--store", other] : [command, sub, "--store", other];

            var (code, _, error) = await CliRunner.RunAsync(args);

            Assert.Equal(2, code);
            Assert.Contains($"--store: '{other}' is a SQLite database but not a cost ledger (it has no cost_records table", error, StringComparison.Ordinal);
            Assert.Equal(before, await File.ReadAllBytesAsync(other));
        }
        finally
        {
            File.Delete(other);
        }
    }

    [Fact]
    public async Task Report_StorageAccountThatCannotBeReached_ExitsOneNamingTheStore()
    {
        // Nothing listens on port 9 (discard) on loopback: the table client fails to connect, after its retries.
        var store = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;TableEndpoint=http://127.0.0.1:9/devstoreaccount1;";

        var (code, output, error) = await CliRunner.RunAsync("cost", "report", "--store", store);

        Assert.Equal(1, code);
        Assert.StartsWith("cannot read the cost ledger at table 'FrugalCosts' of the storage account in --store: ", error.Trim(), StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
        Assert.Empty(output);
    }

    [Theory]
    [InlineData("2025-06-01", "2025-06-02")]
    [InlineData("2025-06-01T00:00:00Z", "2025-06-03T00:00:00Z")]
    [InlineData("2025-06-01T02:00+02:00", "2025-06-03 00:00")]
    public async Task Report_JsonByTenantWithPeriod_PrintsFilteredGroups(string since, string until)
    {
        var (code, output, error) = await CliRunner.RunAsync("cost", "report", "--store", _ledger.Path, "--by", "tenant", "--since", since, "--until", until, "--format", "json");

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

    [Theory]
    [InlineData("cost", "report")]
    [InlineData("plan", null)]
    public async Task NoStore_ReadsTheLedgerFrugalJsonNames(string command, string? sub)
    {
        // With Frugal:Costs:SqlitePath set, frugal run wrote there, and these commands looked for .frugal/costs.db:
        // "does not exist" right after a run, or an older ledger's figures when one was left at the default path.
        var folder = Directory.CreateTempSubdirectory("frugal-ledger-setting-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(folder, "ledger"));
            File.Copy(_ledger.Path, Path.Combine(folder, "ledger", "my.db"));
            await File.WriteAllTextAsync(Path.Combine(folder, "frugal.json"), """{ "Frugal": { "Costs": { "SqlitePath": "ledger/my.db" } } }""");
            string[] args = [command, .. sub is null ? Array.Empty<string>() : [sub], "--since", "2025-06-01", "--until", "2025-06-10", "--format", "json"];

            var (code, output, error) = await CliRunner.RunProcessAsync(folder, args);

            Assert.True(code == 0, error);
            Assert.Contains("support", output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData("cost", "report")]
    [InlineData("plan", null)]
    [InlineData("purge", null)]
    public async Task Store_ConnectionStringWithAMalformedKey_ExitsTwoNamingStore(string command, string? sub)
    {
        string[] args = [command, .. sub is null ? Array.Empty<string>() : [sub], "--store", "DefaultEndpointsProtocol=http;AccountName=x;AccountKey=bad"];

        var (code, _, error) = await CliRunner.RunAsync(args);

        Assert.Equal(2, code);
        Assert.Contains("--store: not an Azure Storage connection string", error, StringComparison.Ordinal);
    }

    [Fact]
    public void ConfiguredStore_TableLedger_IsItsConnectionStringOrEndpoint()
    {
        static string StoreOf(params (string Key, string Value)[] settings) => Frugal.Cli.Costs.LedgerStore.ConfiguredStore(
            new ConfigurationBuilder()
                .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
                .Build());

        Assert.Equal(".frugal/costs.db", StoreOf());
        Assert.Equal("x/costs.db", StoreOf(("Frugal:Costs:SqlitePath", "x/costs.db")));
        Assert.Equal("UseDevelopmentStorage=true", StoreOf(("Frugal:Costs:Store", "Table"), ("Frugal:Costs:TableConnectionString", "UseDevelopmentStorage=true")));
        Assert.Equal("https://acct.table.core.windows.net/", StoreOf(("Frugal:Costs:Store", "table"), ("Frugal:Costs:TableEndpoint", "https://acct.table.core.windows.net/")));
    }

    public void Dispose() => _ledger.Dispose();
}
