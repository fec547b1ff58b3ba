using Frugal.Costs;
using static Frugal.Core.Tests.Costs.CostSamples;

namespace Frugal.Core.Tests.Costs;

/// <summary>Retention: every ledger deletes the records that started before the cut-off and keeps the rest.</summary>
internal static class CostLedgerPurgeContract
{
    public static async Task Purge_OldRecords_DeletesOnlyThoseBeforeCutOff(ICostLedger ledger)
    {
        var records = Enumerable.Range(0, 130).Select(i => Record(runId: $"old{i}", startedAt: Day1.AddHours(-i % 3)))
            .Append(Record(runId: "edge", startedAt: Day1.AddDays(3).AddMinutes(-1)))
            .Append(Record(runId: "keep1", startedAt: Day1.AddDays(3)))
            .Append(Record(runId: "keep2", startedAt: Day1.AddDays(4), tenant: "globex"))
            .ToList();
        await ledger.AppendAsync(records, CancellationToken.None);

        long deleted = await ledger.PurgeAsync(Day1.AddDays(3), CancellationToken.None);

        var left = new List<string>();
        await foreach (var record in ledger.QueryAsync(new CostQuery(), CancellationToken.None))
        {
            left.Add(record.RunId);
        }

        Assert.Equal(131, deleted);
        Assert.Equal(["keep1", "keep2"], left.Order());
        Assert.Equal(0, await ledger.PurgeAsync(Day1.AddDays(3), CancellationToken.None));
    }

    public static async Task CountBefore_OldRecords_CountsWhatThePurgeDeletesAndDeletesNothing(ICostLedger ledger)
    {
        var records = Enumerable.Range(0, 130).Select(i => Record(runId: $"old{i}", startedAt: Day1.AddHours(-i % 3)))
            .Append(Record(runId: "edge", startedAt: Day1.AddDays(3).AddTicks(-1)))
            .Append(Record(runId: "keep1", startedAt: Day1.AddDays(3)))
            .Append(Record(runId: "keep2", startedAt: Day1.AddDays(4), tenant: "globex"))
            .ToList();
        await ledger.AppendAsync(records, CancellationToken.None);

        long counted = await ledger.CountBeforeAsync(Day1.AddDays(3), CancellationToken.None);
        long countedAgain = await ledger.CountBeforeAsync(Day1.AddDays(3), CancellationToken.None);
        long deleted = await ledger.PurgeAsync(Day1.AddDays(3), CancellationToken.None);

        Assert.Equal(131, counted);
        Assert.Equal(131, countedAgain);
        Assert.Equal(counted, deleted);
        Assert.Equal(0, await ledger.CountBeforeAsync(Day1.AddDays(3), CancellationToken.None));
    }
}
