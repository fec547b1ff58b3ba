using Frugal.Costs;

namespace Frugal.Hosting.Tests.Costs;

/// <summary>A SQLite cost ledger with a few records, deleted after the test.</summary>
internal sealed class CostLedgerFixture : IDisposable
{
    public static readonly DateTimeOffset Day1 = new(2025, 6, 1, 10, 0, 0, TimeSpan.Zero);

    public CostLedgerFixture()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "frugal-cli-" + Guid.NewGuid().ToString("N") + ".db");
        using var ledger = new SqliteCostLedger(Path);
        ledger.AppendAsync(
        [
            Record("r1", "support", "acme", CostTier.Premium, "gpt-4o", 0.02m, Day1),
            Record("r1", "support", "acme", CostTier.Cheap, "gpt-4o-mini", 0.001m, Day1, step: "classify"),
            Record("r2", "digest", "globex", CostTier.Cheap, "gpt-4o-mini", 0.004m, Day1.AddDays(3)),
        ], CancellationToken.None).GetAwaiter().GetResult();
    }

    public string Path { get; }

    public void Dispose()
    {
        File.Delete(Path);
    }

    private static CostRecord Record(string run, string workflow, string tenant, CostTier tier, string model, decimal dollars, DateTimeOffset at, string step = "answer") => new()
    {
        RunId = run,
        Workflow = workflow,
        StepId = step,
        Tenant = tenant,
        Tier = tier,
        Model = model,
        InputTokens = 100,
        OutputTokens = 50,
        Dollars = dollars,
        LatencyMs = 120,
        StartedAt = at,
        CompletedAt = at.AddMilliseconds(120),
    };
}
