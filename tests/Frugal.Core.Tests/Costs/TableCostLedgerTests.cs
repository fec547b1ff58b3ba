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

    private sealed class FlakyCreation(string connection, string name) : TableClient(connection, name)
    {
        private int _calls;

        public override Task<Azure.Response<Azure.Data.Tables.Models.TableItem>> CreateIfNotExistsAsync(CancellationToken cancellationToken = default) =>
            Interlocked.Increment(ref _calls) == 1
                ? Task.FromException<Azure.Response<Azure.Data.Tables.Models.TableItem>>(new Azure.RequestFailedException(403, "This request is not authorized (the role assignment is not in effect yet)."))
                : base.CreateIfNotExistsAsync(cancellationToken);
    }
}
