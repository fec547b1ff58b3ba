using Frugal.Core.Tests.Budgets;
using Frugal.Core.Tests.Costs;
using Frugal.Retention;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
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

    [Theory]
    [InlineData(new[] { 0 }, 1, 40)]
    [InlineData(new[] { 1, 1, 2 }, 3, 120)]
    public async Task PurgeAsync_BackendStopsEachCallPartWay_CallsAgainUntilItSaysItIsDone(int[] completion, int calls, int purged)
    {
        // One call purged every old run: in the Functions app that call reaches the host over gRPC, which gives up after
        // 100 s, so a month of runs on Azure Storage could fail every night. Each call now asks to stop after a while
        // and is made again while the backend says it is not done (0: done, 1: not done, 2: cannot say, ends too).
        var client = new PartialPurgeClient(completion.Select(c => c switch { 0 => true, 1 => false, _ => (bool?)null }).ToArray());

        var result = await new RetentionPurger(new FakeTimeProvider(Now)).PurgeAsync(null, client, null, TimeSpan.FromDays(1), TimeSpan.FromDays(30), CancellationToken.None);

        Assert.Equal(purged, result.Runs);
        Assert.Equal(calls, client.Filters.Count);
        Assert.All(client.Filters, f => Assert.Equal(RetentionPurger.PurgeCallTimeout, f.Timeout));
        Assert.All(client.Filters, f => Assert.Equal(Now.AddDays(-30), f.CreatedTo));
    }

    /// <summary>A client whose purges each delete 40 runs and report completion as scripted; nothing else is called.</summary>
    private sealed class PartialPurgeClient(bool?[] completion) : DurableTaskClient("partial")
    {
        public List<PurgeInstancesFilter> Filters { get; } = [];

        public override Task<PurgeResult> PurgeAllInstancesAsync(PurgeInstancesFilter filter, CancellationToken cancellation = default)
        {
            Filters.Add(filter);
            return Task.FromResult(new PurgeResult(40, completion[Filters.Count - 1]));
        }

        public override Task<PurgeResult> PurgeAllInstancesAsync(PurgeInstancesFilter filter, PurgeInstanceOptions? options = null, CancellationToken cancellation = default) =>
            PurgeAllInstancesAsync(filter, cancellation);

        public override Task<string> ScheduleNewOrchestrationInstanceAsync(TaskName orchestratorName, object? input = null, StartOrchestrationOptions? options = null, CancellationToken cancellation = default) => throw new NotSupportedException();

        public override Task<OrchestrationMetadata> WaitForInstanceCompletionAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default) => throw new NotSupportedException();

        public override Task<OrchestrationMetadata> WaitForInstanceStartAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default) => throw new NotSupportedException();

        public override Task RaiseEventAsync(string instanceId, string eventName, object? eventPayload = null, CancellationToken cancellation = default) => throw new NotSupportedException();

        public override Task TerminateInstanceAsync(string instanceId, TerminateInstanceOptions? options = null, CancellationToken cancellation = default) => throw new NotSupportedException();

        public override Task SuspendInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellation = default) => throw new NotSupportedException();

        public override Task ResumeInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellation = default) => throw new NotSupportedException();

        public override Task<OrchestrationMetadata?> GetInstancesAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default) => throw new NotSupportedException();

        public override AsyncPageable<OrchestrationMetadata> GetAllInstancesAsync(OrchestrationQuery? filter = null) => throw new NotSupportedException();

        public override Task<PurgeResult> PurgeInstanceAsync(string instanceId, PurgeInstanceOptions? options = null, CancellationToken cancellation = default) => throw new NotSupportedException();

        public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
