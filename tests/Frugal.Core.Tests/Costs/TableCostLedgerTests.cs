using Azure.Data.Tables;
using Frugal.Costs;

namespace Frugal.Core.Tests.Costs;

/// <summary>
/// Runs the ledger contract against Table storage on Azurite (<c>FRUGAL_TEST_AZURITE</c>, else
/// <c>UseDevelopmentStorage=true</c>). The test script starts Azurite; when it is not reachable these tests fail.
/// </summary>
public sealed class TableCostLedgerTests : IAsyncLifetime
{
    private readonly TableClient _table = new(
        Environment.GetEnvironmentVariable("FRUGAL_TEST_AZURITE") is { Length: > 0 } connection ? connection : "UseDevelopmentStorage=true",
        "costs" + Guid.NewGuid().ToString("N")[..12]);

    private TableCostLedger Ledger => new(_table);

    [Fact]
    public Task AppendAsync_SameKeyTwice_KeepsOneRecord() => CostLedgerContract.AppendSameKeyTwice_KeepsOneRecord(Ledger);

    [Fact]
    public Task AppendAsync_SameAttemptRunAgain_KeepsEachExecution() => CostLedgerContract.AppendSameAttemptRunAgain_KeepsEachExecution(Ledger);

    [Fact]
    public Task AppendAsync_SameAttemptRunAgainInOneBatch_KeepsEachExecution() => CostLedgerContract.AppendSameAttemptRunAgainInOneBatch_KeepsEachExecution(Ledger);

    [Fact]
    public Task AppendAsync_StartNeverCompleted_ReportShowsItUnfinishedApartFromTheSpend() => CostLedgerContract.StartNeverCompleted_ReportShowsItUnfinishedApartFromTheSpend(Ledger);

    [Fact]
    public Task AppendAsync_CompletionAfterStart_ReplacesTheStart() => CostLedgerContract.CompletionAfterStart_ReplacesTheStart(Ledger);

    [Fact]
    public Task AppendAsync_RetryAttempt_KeepsBothAttempts() => CostLedgerContract.AppendRetryAttempt_KeepsBothAttempts(Ledger);

    [Fact]
    public Task QueryAsync_Filters_ReturnMatchingRecords() => CostLedgerContract.Query_Filters_ReturnMatchingRecords(Ledger);

    [Fact]
    public Task QueryAsync_TenantRunOverDays_ReturnsOnlyThatRunsRecords() => CostLedgerContract.Query_TenantRunOverDays_ReturnsOnlyThatRunsRecords(Ledger);

    [Fact]
    public Task SpendAsync_TenantsMonth_SumsPricedAndGroupsUnpriced() => CostLedgerContract.Spend_TenantsMonth_SumsPricedAndGroupsUnpriced(Ledger);

    [Fact]
    public Task SpendAsync_StartsBeforeTheCutoff_CountAtTheirBound() => CostLedgerContract.Spend_StartsBeforeTheCutoff_CountAtTheirBound(Ledger);

    [Fact]
    public Task PurgeAsync_OldRecords_DeletesOnlyThoseBeforeCutOff() => CostLedgerPurgeContract.Purge_OldRecords_DeletesOnlyThoseBeforeCutOff(Ledger);

    [Fact]
    public Task CountBeforeAsync_OldRecords_CountsWhatThePurgeDeletesAndDeletesNothing() => CostLedgerPurgeContract.CountBefore_OldRecords_CountsWhatThePurgeDeletesAndDeletesNothing(Ledger);

    [Fact]
    public Task AppendAsync_AnyRecord_RoundTripsEveryField() => CostLedgerContract.Append_RoundTripsEveryField(Ledger);

    [Fact]
    public async Task AppendAsync_MoreThanOneBatchInOnePartition_StoresAll()
    {
        var records = Enumerable.Range(0, 250).Select(i => CostSamples.Record(runId: "run-" + i)).ToList();
        await Ledger.AppendAsync(records, CancellationToken.None);
        await Ledger.AppendAsync(records.Take(120).ToList(), CancellationToken.None);

        var stored = await CostSamples.ToListAsync(Ledger.QueryAsync(new CostQuery(), CancellationToken.None));

        Assert.Equal(250, stored.Count);
    }

    [Fact]
    public async Task QueryAsync_TenantRunSinceADayWithNoEnd_ReadsTheDaysUpToTheClocksTomorrow()
    {
        // What a run's budget seed asks: one tenant's run since a day, open-ended, read partition by partition up to the
        // host clock's tomorrow.
        var ledger = new TableCostLedger(_table, new Microsoft.Extensions.Time.Testing.FakeTimeProvider(CostSamples.Day1.AddDays(4)));
        await ledger.AppendAsync(
        [
            CostSamples.Record(runId: "r1", step: "a", startedAt: CostSamples.Day1, tenant: "acme"),
            CostSamples.Record(runId: "r1", step: "b", startedAt: CostSamples.Day1.AddDays(4), tenant: "acme"),
            CostSamples.Record(runId: "r1", step: "c", startedAt: CostSamples.Day1.AddDays(2), tenant: "globex"),
        ], CancellationToken.None);

        var found = await CostSamples.ToListAsync(ledger.QueryAsync(new CostQuery { Tenant = "acme", RunId = "r1", Since = CostSamples.Day1.AddDays(-1) }, CancellationToken.None));

        Assert.Equal(["a", "b"], found.Select(r => r.StepId).Order().ToArray());
    }

    [Fact]
    public void PartitionKeyOf_Record_IsUtcDayThenTenant()
    {
        var record = CostSamples.Record(tenant: "acme/eu", startedAt: new DateTimeOffset(2025, 6, 1, 23, 30, 0, TimeSpan.FromHours(-2)));

        Assert.Equal("20250602_acme%2Feu", TableCostLedger.PartitionKeyOf(record));
        Assert.Equal("run-1|answer|0001", TableCostLedger.RowKeyOf(record));
    }

    [Fact]
    public async Task QueryAsync_ReaderThatMayNotCreateTables_ReadsTheRecords()
    {
        // Every read created the table first, which Azure refuses (403) to Storage Table Data Reader, the role
        // infra/README gives a report's reader, even when the table exists: every report and dry-run count failed.
        await Ledger.AppendAsync([CostSamples.Record(runId: "r1"), CostSamples.Record(runId: "r2")], CancellationToken.None);
        var reader = new TableCostLedger(AzuriteTables.ReadOnly(_table.Name));

        var found = await CostSamples.ToListAsync(reader.QueryAsync(new CostQuery(), CancellationToken.None));
        var spend = await reader.SpendAsync(new CostQuery(), CancellationToken.None);
        long old = await reader.CountBeforeAsync(new DateTimeOffset(2100, 1, 1, 0, 0, 0, TimeSpan.Zero), CancellationToken.None);

        Assert.Equal(["r1", "r2"], found.Select(r => r.RunId).Order().ToArray());
        Assert.Equal(2 * CostSamples.Record().Dollars, spend.PricedDollars);
        Assert.Equal(2, old);
    }

    [Fact]
    public async Task QueryAsync_NoTableYet_ReadsNothingAndCreatesNothing()
    {
        var name = "costs" + Guid.NewGuid().ToString("N")[..12];
        var ledger = new TableCostLedger(new TableClient(AzuriteTables.Connection, name));

        Assert.Empty(await CostSamples.ToListAsync(ledger.QueryAsync(new CostQuery(), CancellationToken.None)));
        Assert.Equal(0, await ledger.CountBeforeAsync(new DateTimeOffset(2100, 1, 1, 0, 0, 0, TimeSpan.Zero), CancellationToken.None));
        Assert.False(await AzuriteTables.ExistsAsync(name));
    }

    [Fact]
    public async Task QueryAsync_PeriodReadDaysAtATime_ReturnsExactlyTheRecordsOfThePeriod()
    {
        // A period is read as one range per day (a tenant's short period: one partition per day), several at once, and
        // the records come as the reads answer: each query must still return every record it selects, once, and no
        // other, at the edges of the period too (a start or end in the middle of a day, a tick either side). A tenant's
        // open-ended query read its day partitions up to the clock's tomorrow only, missing what an instance whose clock
        // ran further ahead had written (the records three days after now).
        var now = CostSamples.Day1.AddDays(80);
        var ledger = new TableCostLedger(_table, new Microsoft.Extensions.Time.Testing.FakeTimeProvider(now));
        var since = CostSamples.Day1.AddDays(5).AddHours(3.5);
        var until = CostSamples.Day1.AddDays(75).AddHours(-7.25);
        var records = new List<CostRecord>();
        for (int i = 0; i < 240; i++)
        {
            records.Add(CostSamples.Record(
                runId: "run-" + (i % 7), step: "s" + i, workflow: i % 3 == 0 ? "triage" : "support", tenant: "t" + (i % 3),
                dollars: 0.001m * (i + 1), startedAt: CostSamples.Day1.AddHours(i * 8.3 - 30)));
        }

        foreach (var edge in new[] { since, until, now.AddDays(1), now.AddDays(3) })
        {
            foreach (var (offset, name) in new[] { (-1, "before"), (0, "at"), (1, "after") })
            {
                records.Add(CostSamples.Record(runId: "run-edge", step: $"{name}-{edge.UtcTicks}", tenant: "t1", startedAt: edge.AddTicks(offset)));
            }
        }

        await ledger.AppendAsync(records, CancellationToken.None);

        CostQuery[] queries =
        [
            new() { Since = since, Until = until },
            new() { Since = since, Until = until, Tenant = "t1" },
            new() { Since = since, Until = since.AddDays(10), Tenant = "t1" },
            new() { Since = since, Until = until, RunId = "run-edge" },
            new() { Since = since, Until = since.AddDays(30), Tenant = "t1", RunId = "run-edge" },
            new() { Since = since, Until = until, Tenant = "t2", RunId = "run-3" },
            new() { Since = since, Until = until, Workflow = "triage" },
            new() { Since = since },
            new() { Since = since, Tenant = "t1" },
            new() { Since = now.AddDays(-10), Tenant = "t1" },
            new() { Since = now.AddDays(-10), Tenant = "t1", RunId = "run-edge" },
            new() { Since = now.AddDays(2) },
            new() { Until = until },
            new() { Since = until, Until = until.AddHours(1) },
            new() { Since = CostSamples.Day1.AddYears(-30), Until = CostSamples.Day1.AddYears(30) },
            new(),
        ];
        foreach (var query in queries)
        {
            var expected = records
                .Where(r => (query.Since is null || r.StartedAt >= query.Since) && (query.Until is null || r.StartedAt < query.Until)
                    && (query.Tenant is null || r.Tenant == query.Tenant) && (query.RunId is null || r.RunId == query.RunId)
                    && (query.Workflow is null || r.Workflow == query.Workflow))
                .Select(r => r with { WorkflowVersion = "", Activity = "", Provider = null, PriceTableVersion = "", PromptHash = null, AnswerHash = null })
                .OrderBy(r => r.StepId, StringComparer.Ordinal)
                .ToList();

            var found = await CostSamples.ToListAsync(ledger.QueryAsync(query with { IncludeDetails = false }, CancellationToken.None));

            Assert.True(expected.SequenceEqual(found.OrderBy(r => r.StepId, StringComparer.Ordinal)), $"{query}: {expected.Count} records expected, {found.Count} read");
        }

        Assert.Equal(
            records.Where(r => r.StartedAt >= since && r.StartedAt < until).Sum(r => r.Dollars),
            (await ledger.SpendAsync(new CostQuery { Since = since, Until = until }, CancellationToken.None)).PricedDollars);
        await foreach (var _ in ledger.QueryAsync(new CostQuery { Since = since, Until = until }, CancellationToken.None))
        {
            // A caller that stops at the first record ends the reads still going (this returns rather than waits).
            break;
        }
    }

    [Fact]
    public async Task QueryAsync_PeriodOfAnAccountThatCannotBeReached_ThrowsTheStorageFailure()
    {
        // The days are read at once: a failed read is thrown as the storage client raised it (the CLI names the store by
        // its type), not wrapped. Nothing listens on port 9 (discard) on loopback.
        var options = new TableClientOptions { Retry = { MaxRetries = 0 } };
        var unreachable = new TableClient(
            "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;TableEndpoint=http://127.0.0.1:9/devstoreaccount1;",
            "FrugalCosts",
            options);
        var ledger = new TableCostLedger(unreachable);

        await Assert.ThrowsAsync<Azure.RequestFailedException>(() => CostSamples.ToListAsync(
            ledger.QueryAsync(new CostQuery { Since = CostSamples.Day1, Until = CostSamples.Day1.AddDays(20) }, CancellationToken.None)));
    }

    [Fact]
    public async Task QueryAsync_PeriodWithNoTableYet_ReadsNothing()
    {
        var ledger = new TableCostLedger(new TableClient(AzuriteTables.Connection, "costs" + Guid.NewGuid().ToString("N")[..12]));

        Assert.Empty(await CostSamples.ToListAsync(ledger.QueryAsync(new CostQuery { Since = CostSamples.Day1, Until = CostSamples.Day1.AddDays(20) }, CancellationToken.None)));
    }

    public async Task InitializeAsync()
    {
        try
        {
            await _table.CreateIfNotExistsAsync();
        }
        catch (Exception ex) when (ex is Azure.RequestFailedException or AggregateException or HttpRequestException)
        {
            throw new InvalidOperationException(
                "Azurite is not reachable (FRUGAL_TEST_AZURITE or UseDevelopmentStorage=true); start it with eng/services.sh", ex);
        }
    }

    public async Task DisposeAsync() => await _table.DeleteAsync();

    [Fact]
    public async Task AppendAsync_TableCreationFailedOnce_TriedAgainByTheNextCall()
    {
        // A failed creation was kept for the instance's life: every later record failed until the process recycled.
        var flaky = new FlakyCreation(
            Environment.GetEnvironmentVariable("FRUGAL_TEST_AZURITE") is { Length: > 0 } connection ? connection : "UseDevelopmentStorage=true",
            "costs" + Guid.NewGuid().ToString("N")[..12]);
        var ledger = new TableCostLedger(flaky);

        await Assert.ThrowsAsync<Azure.RequestFailedException>(() => ledger.AppendAsync([CostSamples.Record()], CancellationToken.None));
        await ledger.AppendAsync([CostSamples.Record()], CancellationToken.None);

        Assert.Single(await CostSamples.ToListAsync(ledger.QueryAsync(new CostQuery(), CancellationToken.None)));
        await flaky.DeleteAsync();
    }

    [Fact]
    public async Task RecordAsync_OnePartitionFailsAfterAnotherCommitted_CompletesTheCallersWhoseRecordsAreKept()
    {
        // A writer's batch goes to Table storage one transaction per partition (a day and a tenant). When a later one
        // failed, every caller of the batch failed, those whose records were committed too: their activities retried
        // and paid for their calls again, and their committed records were never counted in metrics.
        var table = new FailingPartition(
            Environment.GetEnvironmentVariable("FRUGAL_TEST_AZURITE") is { Length: > 0 } connection ? connection : "UseDevelopmentStorage=true",
            "costs" + Guid.NewGuid().ToString("N")[..12],
            failing: "_beta");
        var ledger = new HoldingTableLedger(new TableCostLedger(table));
        await using (var recorder = new CostRecorder(ledger, Microsoft.Extensions.Options.Options.Create(new CostsOptions())))
        {
            var first = recorder.RecordAsync(CostSamples.Record(runId: "run-0", tenant: "alpha"), CancellationToken.None);
            await ledger.Appending.Task.WaitAsync(TimeSpan.FromSeconds(30));

            // These three queue while the first commits, and share the next batch.
            var kept = recorder.RecordAsync(CostSamples.Record(runId: "run-1", tenant: "alpha"), CancellationToken.None);
            var failed = recorder.RecordAsync(CostSamples.Record(runId: "run-2", tenant: "beta"), CancellationToken.None);
            var keptToo = recorder.RecordAsync(CostSamples.Record(runId: "run-3", tenant: "alpha"), CancellationToken.None);
            ledger.Release.SetResult();

            await Task.WhenAll(first, kept, keptToo).WaitAsync(TimeSpan.FromSeconds(30));
            await Assert.ThrowsAsync<Azure.Data.Tables.TableTransactionFailedException>(() => failed.WaitAsync(TimeSpan.FromSeconds(30)));
            var partly = Assert.IsType<CostAppendException>(ledger.Thrown);
            Assert.Equal(["run-1", "run-3"], partly.Stored.Select(r => r.RunId));
        }

        var stored = await CostSamples.ToListAsync(new TableCostLedger(table).QueryAsync(new CostQuery(), CancellationToken.None));
        Assert.Equal(["run-0", "run-1", "run-3"], stored.Select(r => r.RunId).Order(StringComparer.Ordinal));
        await table.DeleteAsync();
    }

    /// <summary>Table storage whose transactions fail for the partitions whose key holds <paramref name="failing"/>.</summary>
    private sealed class FailingPartition(string connection, string name, string failing) : TableClient(connection, name)
    {
        public override Task<Azure.Response<IReadOnlyList<Azure.Response>>> SubmitTransactionAsync(IEnumerable<TableTransactionAction> transactionActions, CancellationToken cancellationToken = default)
        {
            var actions = transactionActions.ToList();
            return actions[0].Entity.PartitionKey.Contains(failing, StringComparison.Ordinal)
                ? Task.FromException<Azure.Response<IReadOnlyList<Azure.Response>>>(new TableTransactionFailedException(new Azure.RequestFailedException(503, "The server is busy.")))
                : base.SubmitTransactionAsync(actions, cancellationToken);
        }
    }

    /// <summary>A ledger whose first append waits until released, so that the records that follow share one batch.</summary>
    private sealed class HoldingTableLedger(ICostLedger inner) : ICostLedger
    {
        private int _appends;

        public TaskCompletionSource Appending { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Exception? Thrown { get; private set; }

        public async Task<IReadOnlyList<CostRecord>> AppendAsync(IReadOnlyList<CostRecord> records, CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref _appends) == 1)
            {
                Appending.SetResult();
                await Release.Task.ConfigureAwait(false);
            }

            try
            {
                return await inner.AppendAsync(records, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                Thrown = ex;
                throw;
            }
        }

        public IAsyncEnumerable<CostRecord> QueryAsync(CostQuery query, CancellationToken cancellationToken) => inner.QueryAsync(query, cancellationToken);

        public Task<CostSpend> SpendAsync(CostQuery query, CancellationToken cancellationToken) => inner.SpendAsync(query, cancellationToken);

        public Task<long> PurgeAsync(DateTimeOffset before, CancellationToken cancellationToken) => inner.PurgeAsync(before, cancellationToken);

        public Task<long> CountBeforeAsync(DateTimeOffset before, CancellationToken cancellationToken) => inner.CountBeforeAsync(before, cancellationToken);
    }

    private sealed class FlakyCreation(string connection, string name) : TableClient(connection, name)
    {
        private int _calls;

        public override Task<Azure.Response<Azure.Data.Tables.Models.TableItem>> CreateIfNotExistsAsync(CancellationToken cancellationToken = default) =>
            Interlocked.Increment(ref _calls) == 1
                ? Task.FromException<Azure.Response<Azure.Data.Tables.Models.TableItem>>(new Azure.RequestFailedException(403, "This request is not authorized (the role assignment is not in effect yet)."))
                : base.CreateIfNotExistsAsync(cancellationToken);
    }
}
