using System.Text.Json;
using Frugal.Hosting.Tests.Costs;

namespace Frugal.Hosting.Tests.Cli;

public sealed class PlanCommandTests : IDisposable
{
    private readonly CostLedgerFixture _ledger = new();

    [Theory]
    [InlineData("--scale", "0", "--scale: '0' is not a number above 0, at most 1000000")]
    [InlineData("--scale", "ten", "--scale: 'ten' is not a number above 0, at most 1000000")]
    [InlineData("--scale", "1e30", "--scale: '1e30' is not a number above 0, at most 1000000")]
    [InlineData("--peak-concurrency", "-3", "--peak-concurrency: '-3' is not a whole number above 0")]
    [InlineData("--peak-concurrency", "99999999999", "--peak-concurrency: '99999999999' is not a whole number above 0 (it is over 2147483647, the most a whole number here can be)")]
    [InlineData("--revenue-per-run", "free", "--revenue-per-run: 'free' is not a number of dollars above 0, at most 1000000")]
    [InlineData("--target-margin", "1.5", "--target-margin: '1.5' is not a number from 0 up to (not including) 1")]
    [InlineData("--gpu-capacity", "0", "--gpu-capacity: '0' is not a number from 0.001 to 1000000")]
    [InlineData("--gpu-capacity", "1e-300", "--gpu-capacity: '1e-300' is not a number from 0.001 to 1000000")]
    [InlineData("--since", "last-week", "--since: 'last-week' is not a date")]
    [InlineData("--format", "csv", "--format: 'csv' is not one of table, json")]
    public async Task Plan_OptionThatDoesNotParse_ExitsTwoWithMessageAndUsage(string option, string value, string message)
    {
        var (code, output, error) = await CliRunner.RunAsync("plan", "--store", _ledger.Path, option, value);

        Assert.Equal(2, code);
        Assert.Contains(message, error, StringComparison.Ordinal);
        Assert.Contains("Usage:", output + error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plan_MissingStore_ExitsTwoNamingTheFile()
    {
        var (code, _, error) = await CliRunner.RunAsync("plan", "--store", "/no/such/costs.db");

        Assert.Equal(2, code);
        Assert.Contains("--store: the cost ledger '/no/such/costs.db' does not exist", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plan_JsonWithRevenue_ProjectsPerWorkflowAndMargin()
    {
        var (code, output, _) = await CliRunner.RunAsync(
            "plan", "--store", _ledger.Path, "--scale", "10", "--revenue-per-run", "0.05", "--since", "2025-06-01", "--until", "2025-06-10", "--format", "JSON");

        Assert.Equal(0, code);
        using var json = JsonDocument.Parse(output);
        var support = json.RootElement.GetProperty("workflows").EnumerateArray().Single(w => w.GetProperty("workflow").GetString() == "support");
        Assert.Equal(0.021m, support.GetProperty("costPerRun").GetDecimal());
        Assert.Equal(0.5, support.GetProperty("premiumShare").GetDouble(), 6);
        Assert.Equal(1 / 10.0 * 30.4375 * 10, support.GetProperty("runsPerMonth").GetDouble(), 6);
        Assert.Equal(0.58, support.GetProperty("margin").GetDouble(), 6);
        Assert.Equal(0.015m, support.GetProperty("maxCostPerRun").GetDecimal());
        Assert.Equal(2, json.RootElement.GetProperty("total").GetProperty("observedRuns").GetInt32());
    }

    [Fact]
    public async Task Plan_Json_WritesDollarsToTheNanoDollar()
    {
        // A mean of three runs and its monthly projection came out with 28 decimal places of noise
        // ("costPerRun": 0.0033333333333333333333333333).
        using (var ledger = new Frugal.Costs.SqliteCostLedger(_ledger.Path))
        {
            await ledger.AppendAsync(
            [
                DigestRun("r3", CostLedgerFixture.Day1.AddDays(4)),
                DigestRun("r4", CostLedgerFixture.Day1.AddDays(5)),
            ], CancellationToken.None);
        }

        var (code, output, _) = await CliRunner.RunAsync(
            "plan", "--store", _ledger.Path, "--scale", "3", "--revenue-per-run", "0.07", "--since", "2025-06-01", "--until", "2025-06-07", "--format", "json");

        Assert.Equal(0, code);
        using var json = JsonDocument.Parse(output);
        var digest = json.RootElement.GetProperty("workflows").EnumerateArray().Single(w => w.GetProperty("workflow").GetString() == "digest");
        Assert.Equal("0.003333333", digest.GetProperty("costPerRun").GetRawText());
        var dollars = json.RootElement.GetProperty("workflows").EnumerateArray().Append(json.RootElement.GetProperty("total"))
            .SelectMany(w => new[] { w.GetProperty("costPerRun"), w.GetProperty("monthlyCost"), w.GetProperty("maxCostPerRun") })
            .Select(d => d.GetRawText())
            .ToList();
        Assert.All(dollars, d => Assert.Matches(@"^\d+(\.\d{1,9})?$", d));
    }

    [Fact]
    public async Task Plan_Table_PrintsWorkflowsAndGpuLine()
    {
        var (code, output, _) = await CliRunner.RunAsync("plan", "--store", _ledger.Path, "--scale", "10", "--peak-concurrency", "40");

        Assert.Equal(0, code);
        Assert.Contains("support", output, StringComparison.Ordinal);
        Assert.Contains("(all)", output, StringComparison.Ordinal);
        Assert.Contains("Peak concurrency 40 run(s) (given)", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plan_Table_LightGpuWorkloadShowsItsDemand()
    {
        // Two onnx calls of 0.05 GPU-s over a week: a mean demand of about 1.7e-7 GPU-s/s, printed "mean 0 ... -> 1
        // replica(s) at 0.0 % mean utilisation", as if the replica served nothing.
        using (var ledger = new Frugal.Costs.SqliteCostLedger(_ledger.Path))
        {
            await ledger.AppendAsync(
            [
                DigestRun("g1", CostLedgerFixture.Day1.AddDays(4)) with { Tier = Frugal.Costs.CostTier.Onnx, Model = "urgency", GpuSeconds = 0.05, Dollars = 0.00001m },
                DigestRun("g2", CostLedgerFixture.Day1.AddDays(5)) with { Tier = Frugal.Costs.CostTier.Onnx, Model = "urgency", GpuSeconds = 0.05, Dollars = 0.00001m },
            ], CancellationToken.None);
        }

        var (code, output, _) = await CliRunner.RunAsync("plan", "--store", _ledger.Path, "--since", "2025-06-01", "--until", "2025-06-07");

        Assert.Equal(0, code);
        Assert.Matches(@"GPU demand mean \d(\.\d+)?E-\d+, peak [0-9.E-]+ GPU-s/s -> 1 replica\(s\) at < 0\.1 % mean utilisation", output);
    }

    [Theory]
    [InlineData("--since", "2024-01-01", "--until", "2024-01-31")]
    [InlineData("--until", "2024-01-31")]
    public async Task Plan_PeriodWithoutRuns_SaysThereIsNothingToProject(params string[] period)
    {
        // It printed "Plan at 1x the 0 run(s) recorded over 1 day(s)" over a table of zeros and "0 replica(s)", as if
        // the ledger had been read and the workload cost nothing.
        var (code, output, _) = await CliRunner.RunAsync(["plan", "--store", _ledger.Path, .. period]);

        Assert.Equal(0, code);
        Assert.Equal(
            "No finished run is recorded in the ledger for this period: nothing to project (check --store, --since and --until; a run counts once one of its calls has finished).",
            output.Trim());
    }

    public void Dispose() => _ledger.Dispose();

    private static Frugal.Costs.CostRecord DigestRun(string run, DateTimeOffset at) => new()
    {
        RunId = run,
        Workflow = "digest",
        StepId = "answer",
        Tenant = "globex",
        Tier = Frugal.Costs.CostTier.Cheap,
        Model = "gpt-4o-mini",
        InputTokens = 100,
        OutputTokens = 50,
        Dollars = 0.003m,
        LatencyMs = 120,
        StartedAt = at,
        CompletedAt = at.AddMilliseconds(120),
    };
}
