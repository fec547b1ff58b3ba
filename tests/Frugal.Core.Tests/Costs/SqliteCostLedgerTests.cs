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
    public Task AppendAsync_SameAttemptRunAgain_KeepsEachExecution() => CostLedgerContract.AppendSameAttemptRunAgain_KeepsEachExecution(_ledger);

    [Fact]
    public Task AppendAsync_SameAttemptRunAgainInOneBatch_KeepsEachExecution() => CostLedgerContract.AppendSameAttemptRunAgainInOneBatch_KeepsEachExecution(_ledger);

    [Fact]
    public Task AppendAsync_StartNeverCompleted_ReportShowsItUnfinishedApartFromTheSpend() => CostLedgerContract.StartNeverCompleted_ReportShowsItUnfinishedApartFromTheSpend(_ledger);

    [Fact]
    public Task AppendAsync_CompletionAfterStart_ReplacesTheStart() => CostLedgerContract.CompletionAfterStart_ReplacesTheStart(_ledger);

    [Fact]
    public Task AppendAsync_RetryAttempt_KeepsBothAttempts() => CostLedgerContract.AppendRetryAttempt_KeepsBothAttempts(_ledger);

    [Fact]
    public Task QueryAsync_Filters_ReturnMatchingRecords() => CostLedgerContract.Query_Filters_ReturnMatchingRecords(_ledger);

    [Fact]
    public Task QueryAsync_TenantRunOverDays_ReturnsOnlyThatRunsRecords() => CostLedgerContract.Query_TenantRunOverDays_ReturnsOnlyThatRunsRecords(_ledger);

    [Fact]
    public Task SpendAsync_TenantsMonth_SumsPricedAndGroupsUnpriced() => CostLedgerContract.Spend_TenantsMonth_SumsPricedAndGroupsUnpriced(_ledger);

    [Fact]
    public Task SpendAsync_StartsBeforeTheCutoff_CountAtTheirBound() => CostLedgerContract.Spend_StartsBeforeTheCutoff_CountAtTheirBound(_ledger);

    [Fact]
    public Task PurgeAsync_OldRecords_DeletesOnlyThoseBeforeCutOff() => CostLedgerPurgeContract.Purge_OldRecords_DeletesOnlyThoseBeforeCutOff(_ledger);

    [Fact]
    public Task CountBeforeAsync_OldRecords_CountsWhatThePurgeDeletesAndDeletesNothing() => CostLedgerPurgeContract.CountBefore_OldRecords_CountsWhatThePurgeDeletesAndDeletesNothing(_ledger);

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
    public async Task AppendAsync_LedgerWrittenBeforeInvocations_UpgradedInPlace()
    {
        // A ledger file from before records carried an invocation: its rows stay, and a new execution of one of their
        // attempts is kept beside it.
        var path = Path.Combine(_folder, "old.db");
        Directory.CreateDirectory(_folder);
        using (var old = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=False"))
        {
            old.Open();
            using var create = old.CreateCommand();
            create.CommandText = """
                CREATE TABLE cost_records (
                    run_id TEXT NOT NULL, step_id TEXT NOT NULL, attempt INTEGER NOT NULL,
                    workflow TEXT NOT NULL, workflow_version TEXT NOT NULL, activity TEXT NOT NULL, tenant TEXT NOT NULL,
                    tier INTEGER NOT NULL, provider TEXT, model TEXT,
                    input_tokens INTEGER NOT NULL, cached_input_tokens INTEGER NOT NULL, output_tokens INTEGER NOT NULL,
                    reasoning_tokens INTEGER NOT NULL, dollars TEXT NOT NULL, price_table_version TEXT NOT NULL,
                    priced INTEGER NOT NULL, cache INTEGER NOT NULL, saved_dollars TEXT NOT NULL, gpu_seconds REAL NOT NULL,
                    batch_size INTEGER NOT NULL, latency_ms REAL NOT NULL, outcome INTEGER NOT NULL,
                    started_at INTEGER NOT NULL, completed_at INTEGER NOT NULL,
                    prompt_hash TEXT, answer_hash TEXT, prompt_text TEXT, answer_text TEXT,
                    UNIQUE (run_id, step_id, attempt));
                INSERT INTO cost_records VALUES ('run-1', 'answer', 1, 'support', '', '', 'default', 1, NULL, NULL, 0, 0, 0, 0,
                    '0.5', '', 1, 0, '0', 0, 1, 0, 0, 638000000000000000, 638000000000000000, NULL, NULL, NULL, NULL);
                """;
            create.ExecuteNonQuery();
        }

        using var ledger = new SqliteCostLedger(path);
        await ledger.AppendAsync([CostSamples.Record(dollars: 0.7m) with { Invocation = "new" }], CancellationToken.None);

        var stored = await CostSamples.ToListAsync(ledger.QueryAsync(new CostQuery(), CancellationToken.None));
        Assert.Equal(["answer 0.5", "answer~rerun1 0.7"], stored.Select(r => $"{r.StepId} {r.Dollars}").Order(StringComparer.Ordinal));
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
