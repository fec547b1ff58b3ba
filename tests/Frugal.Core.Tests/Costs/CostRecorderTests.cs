using Frugal.Costs;
using Microsoft.Extensions.Options;

namespace Frugal.Core.Tests.Costs;

public sealed class CostRecorderTests
{
    [Fact]
    public async Task RecordAsync_ManyConcurrentCallers_EveryRecordStoredInFewerBatches()
    {
        var ledger = new FakeCostLedger();
        await using var recorder = new CostRecorder(ledger, Options.Create(new CostsOptions { MaxBatchSize = 64 }));

        await Task.WhenAll(Enumerable.Range(0, 500).Select(i => recorder.RecordAsync(CostSamples.Record(runId: "run-" + i), CancellationToken.None)));

        Assert.Equal(500, ledger.Stored.Count);
        Assert.All(ledger.Batches, size => Assert.InRange(size, 1, 64));
    }

    [Fact]
    public async Task RecordAsync_TenantNotOptedIn_StoresHashesOnly()
    {
        var ledger = new FakeCostLedger();
        await using var recorder = new CostRecorder(ledger, Options.Create(new CostsOptions()));

        await recorder.RecordAsync(CostSamples.Record() with { PromptText = "secret", AnswerText = "reply", PromptHash = null, AnswerHash = null }, CancellationToken.None);

        var stored = Assert.Single(ledger.Stored);
        Assert.Null(stored.PromptText);
        Assert.Null(stored.AnswerText);
        Assert.Equal(CostRecord.HashText("secret"), stored.PromptHash);
        Assert.Equal(CostRecord.HashText("reply"), stored.AnswerHash);
    }

    [Fact]
    public async Task RecordAsync_TenantOptedIn_StoresText()
    {
        var ledger = new FakeCostLedger();
        var options = new CostsOptions();
        options.StoreTextForTenants.Add("acme");
        await using var recorder = new CostRecorder(ledger, Options.Create(options));

        await recorder.RecordAsync(CostSamples.Record(tenant: "acme") with { PromptText = "hello" }, CancellationToken.None);

        Assert.Equal("hello", Assert.Single(ledger.Stored).PromptText);
    }

    [Fact]
    public async Task RecordAsync_LedgerFails_CallerSeesFailureAndLaterRecordsStillCommit()
    {
        var ledger = new FakeCostLedger { OnAppend = records => records[0].RunId == "bad" ? throw new IOException("disk full") : Task.CompletedTask };
        await using var recorder = new CostRecorder(ledger, Options.Create(new CostsOptions { MaxBatchSize = 1 }));

        var ex = await Assert.ThrowsAsync<IOException>(() => recorder.RecordAsync(CostSamples.Record(runId: "bad"), CancellationToken.None));
        await recorder.RecordAsync(CostSamples.Record(runId: "good"), CancellationToken.None);

        Assert.Equal("disk full", ex.Message);
        Assert.Equal("good", Assert.Single(ledger.Stored).RunId);
    }

    [Fact]
    public async Task RecordAsync_CallerRecordsAgainAfterItsRecordIsStored_BothStoredInOrder()
    {
        // Waiters continue on the commit loop; one that records again (an escalated call records the cheap attempt,
        // then its own) must not hold the loop up: its second record goes in a later batch.
        var ledger = new FakeCostLedger();
        await using var recorder = new CostRecorder(ledger, Options.Create(new CostsOptions()));

        async Task RecordTwiceAsync(int i)
        {
            await recorder.RecordAsync(CostSamples.Record(runId: $"run-{i}", step: "first"), CancellationToken.None);
            Assert.True(ledger.Has(r => r.RunId == $"run-{i}" && r.StepId == "first"));
            await recorder.RecordAsync(CostSamples.Record(runId: $"run-{i}", step: "second"), CancellationToken.None);
        }

        await Task.WhenAll(Enumerable.Range(0, 100).Select(RecordTwiceAsync)).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(200, ledger.Stored.Count);
        Assert.True(ledger.Batches.Count >= 2);
    }

    [Fact]
    public async Task DisposeAsync_QueuedRecords_AreFlushed()
    {
        var ledger = new FakeCostLedger();
        var recorder = new CostRecorder(ledger, Options.Create(new CostsOptions()));
        var pending = Enumerable.Range(0, 50).Select(i => recorder.RecordAsync(CostSamples.Record(runId: "r" + i), CancellationToken.None)).ToList();

        await recorder.DisposeAsync();

        Assert.All(pending, task => Assert.True(task.IsCompletedSuccessfully));
        Assert.Equal(50, ledger.Stored.Count);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => recorder.RecordAsync(CostSamples.Record(), CancellationToken.None));
    }

    private sealed class FakeCostLedger : ICostLedger
    {
        private readonly Lock _gate = new();

        public List<CostRecord> Stored { get; } = [];

        public List<int> Batches { get; } = [];

        public Func<IReadOnlyList<CostRecord>, Task> OnAppend { get; init; } = _ => Task.CompletedTask;

        public bool Has(Func<CostRecord, bool> match)
        {
            lock (_gate)
            {
                return Stored.Any(match);
            }
        }

        public async Task<IReadOnlyList<CostRecord>> AppendAsync(IReadOnlyList<CostRecord> records, CancellationToken cancellationToken)
        {
            await OnAppend(records);
            lock (_gate)
            {
                Batches.Add(records.Count);
                Stored.AddRange(records);
            }

            return records;
        }

        public IAsyncEnumerable<CostRecord> QueryAsync(CostQuery query, CancellationToken cancellationToken) =>
            Stored.ToAsyncEnumerable();

        public Task<long> PurgeAsync(DateTimeOffset before, CancellationToken cancellationToken) =>
            Task.FromResult((long)Stored.RemoveAll(r => r.StartedAt < before));
    }
}
