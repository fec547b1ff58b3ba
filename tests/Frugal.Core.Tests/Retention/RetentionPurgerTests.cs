using Frugal.Core.Tests.Budgets;
using Frugal.Core.Tests.Costs;
using Frugal.Retention;
using Microsoft.Extensions.Time.Testing;

namespace Frugal.Core.Tests.Retention;

public sealed class RetentionPurgerTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 14, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task PurgeAsync_RetentionShorterThanTheMonth_KeepsThisMonthsRecordsWhichBudgetsCount()
    {
        // Budgets seed their month from the ledger (a fresh in-memory store, a Redis flush): with records of this month
        // purged (Retention:CostRecordDays 1, frugal purge --older-than 12h) a tenant's spend was forgotten.
        var late = new DateTimeOffset(2026, 12, 20, 14, 0, 0, TimeSpan.Zero);
        var ledger = new ListLedger(
            CostSamples.Record(runId: "november", startedAt: new DateTimeOffset(2026, 11, 30, 23, 59, 0, TimeSpan.Zero)),
            CostSamples.Record(runId: "first", startedAt: new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero)),
            CostSamples.Record(runId: "yesterday", startedAt: late.AddDays(-1)));

        var result = await new RetentionPurger(new FakeTimeProvider(late)).PurgeAsync(ledger, null, null, TimeSpan.FromHours(12), TimeSpan.FromDays(1), CancellationToken.None);

        Assert.Equal(1, result.CostRecords);
        Assert.Equal(["first", "yesterday"], ledger.Records.Select(r => r.RunId));
        Assert.Equal((new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero), true), (result.CostRecordsBefore, result.CostRecordsKeptForBudgets));
    }

    [Fact]
    public async Task PurgeAsync_EarlyInTheMonth_KeepsTheLastSevenDaysWhichRunBudgetsCount()
    {
        // A per-run budget seeds its counter from the run's records of the last seven days: purged on the 5th with
        // --older-than 12h, a run started on 30 November lost what it had spent, and could spend its budget again.
        var ledger = new ListLedger(
            CostSamples.Record(runId: "week-old", startedAt: Now.AddDays(-7).AddMinutes(-1)),
            CostSamples.Record(runId: "november", startedAt: new DateTimeOffset(2026, 11, 30, 23, 59, 0, TimeSpan.Zero)),
            CostSamples.Record(runId: "yesterday", startedAt: Now.AddDays(-1)));

        var result = await new RetentionPurger(new FakeTimeProvider(Now)).PurgeAsync(ledger, null, null, TimeSpan.FromHours(12), TimeSpan.FromDays(1), CancellationToken.None);

        Assert.Equal(1, result.CostRecords);
        Assert.Equal(["november", "yesterday"], ledger.Records.Select(r => r.RunId));
        Assert.Equal((Now.AddDays(-7), true), (result.CostRecordsBefore, result.CostRecordsKeptForBudgets));
    }

    [Fact]
    public async Task PurgeAsync_RetentionLongerThanTheMonth_CutsWhereItSays()
    {
        var ledger = new ListLedger(
            CostSamples.Record(runId: "old", startedAt: Now.AddDays(-41)),
            CostSamples.Record(runId: "recent", startedAt: Now.AddDays(-39)));

        var result = await new RetentionPurger(new FakeTimeProvider(Now)).PurgeAsync(ledger, null, null, TimeSpan.FromDays(40), TimeSpan.FromDays(1), CancellationToken.None);

        Assert.Equal(["recent"], ledger.Records.Select(r => r.RunId));
        Assert.Equal((Now.AddDays(-40), false), (result.CostRecordsBefore, result.CostRecordsKeptForBudgets));
    }
}
