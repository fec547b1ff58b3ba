using Frugal.Costs;

namespace Frugal.Core.Tests.Costs;

public sealed class SqliteCostLedgerTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "frugal-costs-" + Guid.NewGuid().ToString("N"));
    private readonly SqliteCostLedger _ledger;

    public SqliteCostLedgerTests() => _ledger = new SqliteCostLedger(Path.Combine(_folder, "nested", "costs.db"));

    [Fact]
    public Task AppendAsync_SameKeyTwice_KeepsOneRecord() => CostLedgerContract.AppendSameKeyTwice_KeepsOneRecord(_ledger);

    [Fact]
    public Task AppendAsync_RetryAttempt_KeepsBothAttempts() => CostLedgerContract.AppendRetryAttempt_KeepsBothAttempts(_ledger);

    [Fact]
    public Task QueryAsync_Filters_ReturnMatchingRecords() => CostLedgerContract.Query_Filters_ReturnMatchingRecords(_ledger);

    [Fact]
    public Task PurgeAsync_OldRecords_DeletesOnlyThoseBeforeCutOff() => CostLedgerPurgeContract.Purge_OldRecords_DeletesOnlyThoseBeforeCutOff(_ledger);

    [Fact]
    public Task AppendAsync_AnyRecord_RoundTripsEveryField() => CostLedgerContract.Append_RoundTripsEveryField(_ledger);

    [Fact]
    public async Task AppendAsync_TextNeedingEscapes_RoundTripsExactly()
    {
        var text = "Line \"one\"\r\n\ttab \\ back\\slash, café, 日本語, emoji 🙂, nul\u0000end";
        var record = CostSamples.Record(runId: "r-\"quoted\"") with { PromptText = text, AnswerText = "{\"json\": [1, 2]}", LatencyMs = 1.0 / 3 };
        await _ledger.AppendAsync([record], CancellationToken.None);

        var stored = Assert.Single(await CostSamples.ToListAsync(_ledger.QueryAsync(new CostQuery { IncludeText = true }, CancellationToken.None)));

        Assert.Equal(record, stored);
    }

    [Fact]
    public async Task AppendAsync_NonFiniteLatency_StoresZeroAndKeepsTheBatch()
    {
        await _ledger.AppendAsync([CostSamples.Record(runId: "a") with { LatencyMs = double.NaN }, CostSamples.Record(runId: "b")], CancellationToken.None);

        var stored = await CostSamples.ToListAsync(_ledger.QueryAsync(new CostQuery(), CancellationToken.None));

        Assert.Equal(["a", "b"], stored.Select(r => r.RunId).Order());
        Assert.Equal(0, stored.Single(r => r.RunId == "a").LatencyMs);
    }

    [Fact]
    public async Task AppendAsync_RecordTheTableRefuses_FailsTheWholeBatchAndTheNextBatchIsStored()
    {
        var refused = CostSamples.Record(runId: "b") with { Tenant = null! };

        var ex = await Assert.ThrowsAsync<Microsoft.Data.Sqlite.SqliteException>(
            () => _ledger.AppendAsync([CostSamples.Record(runId: "a"), refused], CancellationToken.None));
        await _ledger.AppendAsync([CostSamples.Record(runId: "c")], CancellationToken.None);

        Assert.Contains("NOT NULL constraint failed: cost_records.tenant", ex.Message, StringComparison.Ordinal);
        var stored = await CostSamples.ToListAsync(_ledger.QueryAsync(new CostQuery(), CancellationToken.None));
        Assert.Equal("c", Assert.Single(stored).RunId);
    }

    [Fact]
    public async Task AppendAsync_ReopenedFile_RecordsAreDurable()
    {
        await _ledger.AppendAsync([CostSamples.Record()], CancellationToken.None);

        using var reopened = new SqliteCostLedger(_ledger.FilePath);
        var stored = await CostSamples.ToListAsync(reopened.QueryAsync(new CostQuery(), CancellationToken.None));

        Assert.Single(stored);
    }

    [OpenFilesFact]
    public async Task Dispose_AfterAppendsAndQueries_ClosesTheFile()
    {
        var ledger = new SqliteCostLedger(Path.Combine(_folder, "closed", "costs.db"));
        await ledger.AppendAsync([CostSamples.Record()], CancellationToken.None);
        await CostSamples.ToListAsync(ledger.QueryAsync(new CostQuery(), CancellationToken.None));
        Assert.NotEmpty(OpenFilesUnder(Path.Combine(_folder, "closed")));

        ledger.Dispose();

        Assert.Empty(OpenFilesUnder(Path.Combine(_folder, "closed")));
    }

    public void Dispose()
    {
        _ledger.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private static string[] OpenFilesUnder(string folder) =>
        [.. Directory.GetFiles("/proc/self/fd").Select(fd => new FileInfo(fd).LinkTarget).OfType<string>().Where(t => t.StartsWith(folder, StringComparison.Ordinal))];
}
