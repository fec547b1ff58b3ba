using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Frugal.Costs;

/// <summary>
/// The embedded default ledger: one SQLite file (<c>.frugal/costs.db</c>) in WAL mode with
/// <c>synchronous=FULL</c>, so a committed batch survives a crash. The key columns carry a unique constraint:
/// re-appending a record is a no-op, and another execution's record with the same key is kept under a re-run key
/// (<see cref="CostRecord.Invocation"/>); a row the table refuses otherwise (a missing required value) fails its whole
/// append. Each append is one transaction. Rows are
/// stored in rowid (arrival) order, which is close to time order, so a time-range report reads neighbouring pages.
/// </summary>
public sealed partial class SqliteCostLedger : ICostLedger, IDisposable
{
    private const string Columns =
        "run_id, step_id, attempt, workflow, workflow_version, activity, tenant, tier, provider, model, input_tokens, " +
        "cached_input_tokens, output_tokens, reasoning_tokens, dollars, price_table_version, priced, cache, saved_dollars, " +
        "gpu_seconds, batch_size, latency_ms, outcome, started_at, completed_at, prompt_hash, answer_hash, prompt_text, answer_text";

    private const string FindInvocationSql = "SELECT invocation, outcome FROM cost_records WHERE run_id = ?1 AND step_id = ?2 AND attempt = ?3";

    // A call's write-ahead record, replaced by the call's own record (CostOutcome.Started).
    private static readonly string DeleteStartedSql =
        "DELETE FROM cost_records WHERE run_id = ?1 AND step_id = ?2 AND attempt = ?3 AND invocation = ?4 AND outcome = "
        + ((int)CostOutcome.Started).ToString(CultureInfo.InvariantCulture);

    private static readonly string[] ColumnNames = Columns.Split(", ");

    // ON CONFLICT on the key, not INSERT OR IGNORE: OR IGNORE also drops a row that breaks NOT NULL, silently.
    private static readonly string InsertSql =
        $"INSERT INTO cost_records ({Columns}, invocation) VALUES ({string.Join(", ", Enumerable.Range(1, ColumnNames.Length + 1).Select(i => "?" + i.ToString(CultureInfo.InvariantCulture)))}) " +
        "ON CONFLICT (run_id, step_id, attempt) DO NOTHING";

    private readonly string _connectionString;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private SqliteConnection? _writer;
    private sqlite3_stmt? _insert;
    private sqlite3_stmt? _findInvocation;
    private sqlite3_stmt? _deleteStarted;

    /// <summary>Opens (and creates when missing) the ledger file.</summary>
    /// <param name="path">The SQLite file; its folder is created when missing.</param>
    public SqliteCostLedger(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string? folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (folder is not null)
        {
            Directory.CreateDirectory(folder);
        }

        FilePath = path;
        _connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = true }.ToString();
    }

    /// <summary>The SQLite file.</summary>
    public string FilePath { get; }

    /// <inheritdoc />
    public async Task<IReadOnlyList<CostRecord>> AppendAsync(IReadOnlyList<CostRecord> records, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count == 0)
        {
            return records;
        }

        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var connection = _writer ??= await OpenWriterAsync(cancellationToken).ConfigureAwait(false);
            using var transaction = connection.BeginTransaction();
            var insert = _insert ??= Prepare(connection, InsertSql);

            // The records stored anew, made only once one was not: the usual batch is all new, and is returned as it is.
            List<CostRecord>? stored = null;
            for (var i = 0; i < records.Count; i++)
            {
                var record = records[i];
                if (Store(connection, insert, record))
                {
                    stored?.Add(record);
                }
                else
                {
                    stored ??= [.. records.Take(i)];
                }
            }

            transaction.Commit();
            return stored ?? records;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<CostRecord> QueryAsync(CostQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        EnsureSchema(connection);
        Execute(connection, "PRAGMA mmap_size=268435456;");
        await using var command = connection.CreateCommand();
        var where = Filters(command, query);
        var skipped = new HashSet<string>(StringComparer.Ordinal);
        if (!query.IncludeText)
        {
            skipped.UnionWith(["prompt_text", "answer_text"]);
        }

        if (!query.IncludeDetails)
        {
            skipped.UnionWith(["prompt_hash", "answer_hash", "workflow_version", "activity", "provider", "price_table_version"]);
        }

        string columns = string.Join(", ", ColumnNames.Select(c => skipped.Contains(c) ? "NULL" : c));
        command.CommandText = $"SELECT {columns} FROM cost_records" + (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        long count = 0;
        while (reader.Read())
        {
            if ((++count & 0xFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            yield return Read(reader);
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// Two aggregate queries: the priced records' dollars summed exactly (as decimals, by a function registered on the
    /// connection: SQLite's own SUM would add them as doubles), and the unpriced records grouped by tier, model, usage and
    /// dollars; and the starts left out, read one by one.
    /// </remarks>
    public async Task<CostSpend> SpendAsync(CostQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        EnsureSchema(connection);
        Execute(connection, "PRAGMA mmap_size=268435456;");
        connection.CreateAggregate<string?, decimal, string>(
            "frugal_decimal_sum",
            0m,
            (sum, dollars) => dollars is null ? sum : sum + decimal.Parse(dollars, NumberStyles.Float, CultureInfo.InvariantCulture),
            sum => sum.ToString(CultureInfo.InvariantCulture),
            isDeterministic: true);

        await using var command = connection.CreateCommand();
        var where = Filters(command, query);
        // The starts left out of the sums (all of them, or those from CountStartsBefore on), and the records summed.
        string started = "outcome = " + ((int)CostOutcome.Started).ToString(CultureInfo.InvariantCulture);
        if (query.CountStartsBefore is { } startsBefore)
        {
            started += " AND started_at >= $starts_before";
            command.Parameters.AddWithValue("$starts_before", startsBefore.UtcTicks);
        }

        string finished = $"NOT ({started})";

        string filter = " WHERE " + string.Join(" AND ", [.. where, finished]);
        command.CommandText = $"SELECT frugal_decimal_sum(dollars) FROM cost_records{filter} AND priced <> 0";
        var priced = (string)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;

        command.CommandText = "SELECT tier, model, input_tokens, cached_input_tokens, output_tokens, reasoning_tokens, dollars, count(*) " +
            $"FROM cost_records{filter} AND priced = 0 GROUP BY tier, model, input_tokens, cached_input_tokens, output_tokens, reasoning_tokens, dollars";
        var unpriced = new List<UnpricedSpend>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                unpriced.Add(new UnpricedSpend(
                    (CostTier)reader.GetInt32(0),
                    reader.IsDBNull(1) ? null : reader.GetString(1),
                    new TokenUsage(reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5)),
                    decimal.Parse(reader.GetString(6), NumberStyles.Float, CultureInfo.InvariantCulture),
                    reader.GetInt64(7)));
            }
        }

        // The starts left out: the calls in flight, few, read one by one.
        command.CommandText = "SELECT invocation, started_at, priced, tier, model, input_tokens, cached_input_tokens, output_tokens, reasoning_tokens, dollars " +
            $"FROM cost_records WHERE {string.Join(" AND ", [.. where, started])}";
        var unfinished = new List<UnfinishedStart>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                unfinished.Add(new UnfinishedStart(
                    reader.IsDBNull(0) ? null : reader.GetString(0),
                    new DateTimeOffset(reader.GetInt64(1), TimeSpan.Zero),
                    reader.GetInt64(2) != 0,
                    (CostTier)reader.GetInt32(3),
                    reader.IsDBNull(4) ? null : reader.GetString(4),
                    new TokenUsage(reader.GetInt64(5), reader.GetInt64(6), reader.GetInt64(7), reader.GetInt64(8)),
                    decimal.Parse(reader.GetString(9), NumberStyles.Float, CultureInfo.InvariantCulture)));
            }
        }

        return new CostSpend(decimal.Parse(priced, NumberStyles.Float, CultureInfo.InvariantCulture), unpriced) { Unfinished = unfinished };
    }

    /// <inheritdoc />
    public async Task<long> PurgeAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var connection = _writer ??= await OpenWriterAsync(cancellationToken).ConfigureAwait(false);
            using var command = connection.CreateCommand();
            command.CommandText = "DELETE FROM cost_records WHERE started_at < $before";
            command.Parameters.AddWithValue("$before", before.UtcTicks);
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <inheritdoc />
    public async Task<long> CountBeforeAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        EnsureSchema(connection);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM cost_records WHERE started_at < $before";
        command.Parameters.AddWithValue("$before", before.UtcTicks);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Closes the file: the writer and the pooled connections queries used. Microsoft.Data.Sqlite keeps a disposed
    /// connection open in its pool, so without clearing it a disposed ledger still held the file (and whoever deleted the
    /// folder had to clear every pool in the process).
    /// </summary>
    public void Dispose()
    {
        _insert?.Dispose();
        _findInvocation?.Dispose();
        _deleteStarted?.Dispose();
        _writer?.Dispose();
        using (var pooled = new SqliteConnection(_connectionString))
        {
            SqliteConnection.ClearPool(pooled);
        }

        _writeLock.Dispose();
    }

    private async Task<SqliteConnection> OpenWriterAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        EnsureSchema(connection);
        Upgrade(connection);
        Execute(connection, "PRAGMA synchronous=FULL;");
        return connection;
    }

    private static void EnsureSchema(SqliteConnection connection) => Execute(connection, """
        PRAGMA journal_mode=WAL;
        CREATE TABLE IF NOT EXISTS cost_records (
            run_id TEXT NOT NULL, step_id TEXT NOT NULL, attempt INTEGER NOT NULL,
            workflow TEXT NOT NULL, workflow_version TEXT NOT NULL, activity TEXT NOT NULL, tenant TEXT NOT NULL,
            tier INTEGER NOT NULL, provider TEXT, model TEXT,
            input_tokens INTEGER NOT NULL, cached_input_tokens INTEGER NOT NULL, output_tokens INTEGER NOT NULL,
            reasoning_tokens INTEGER NOT NULL, dollars TEXT NOT NULL, price_table_version TEXT NOT NULL,
            priced INTEGER NOT NULL, cache INTEGER NOT NULL, saved_dollars TEXT NOT NULL, gpu_seconds REAL NOT NULL,
            batch_size INTEGER NOT NULL, latency_ms REAL NOT NULL, outcome INTEGER NOT NULL,
            started_at INTEGER NOT NULL, completed_at INTEGER NOT NULL,
            prompt_hash TEXT, answer_hash TEXT, prompt_text TEXT, answer_text TEXT, invocation TEXT,
            UNIQUE (run_id, step_id, attempt));
        CREATE INDEX IF NOT EXISTS ix_cost_records_started ON cost_records (started_at);
        """);

    /// <summary>Adds the invocation column to a ledger written before it existed (its records keep null).</summary>
    private static void Upgrade(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM pragma_table_info('cost_records') WHERE name = 'invocation'";
        if (Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture) == 0)
        {
            try
            {
                Execute(connection, "ALTER TABLE cost_records ADD COLUMN invocation TEXT;");
            }
            catch (SqliteException ex) when (ex.Message.Contains("duplicate column", StringComparison.OrdinalIgnoreCase))
            {
                // Another process added it meanwhile.
            }
        }
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    /// <summary>The conditions <paramref name="query"/> sets, their values bound on <paramref name="command"/>.</summary>
    private static List<string> Filters(SqliteCommand command, CostQuery query)
    {
        var where = new List<string>();
        AddFilter(command, where, "started_at >= $since", "$since", query.Since?.UtcTicks);
        AddFilter(command, where, "started_at < $until", "$until", query.Until?.UtcTicks);
        AddFilter(command, where, "tenant = $tenant", "$tenant", query.Tenant);
        AddFilter(command, where, "workflow = $workflow", "$workflow", query.Workflow);
        AddFilter(command, where, "run_id = $run", "$run", query.RunId);
        if (query.Tiers is { } tiers)
        {
            where.Add($"tier IN ({string.Join(", ", tiers.Select(t => ((int)t).ToString(CultureInfo.InvariantCulture)))})");
        }

        return where;
    }

    private static void AddFilter(SqliteCommand command, List<string> where, string clause, string name, object? value)
    {
        if (value is not null)
        {
            where.Add(clause);
            command.Parameters.AddWithValue(name, value);
        }
    }

    /// <summary>
    /// SQLite stores NaN as NULL, which the NOT NULL columns refuse, and a refused row fails its whole batch (every
    /// activity in it retries); a measurement that came out non-finite is stored as 0 instead.
    /// </summary>
    private static double Finite(double value) => double.IsFinite(value) ? value : 0;

    private static CostRecord Read(SqliteDataReader r) => new()
    {
        RunId = r.GetString(0),
        StepId = r.GetString(1),
        Attempt = r.GetInt32(2),
        Workflow = r.GetString(3),
        WorkflowVersion = r.IsDBNull(4) ? "" : r.GetString(4),
        Activity = r.IsDBNull(5) ? "" : r.GetString(5),
        Tenant = r.GetString(6),
        Tier = (CostTier)r.GetInt32(7),
        Provider = r.IsDBNull(8) ? null : r.GetString(8),
        Model = r.IsDBNull(9) ? null : r.GetString(9),
        InputTokens = r.GetInt64(10),
        CachedInputTokens = r.GetInt64(11),
        OutputTokens = r.GetInt64(12),
        ReasoningTokens = r.GetInt64(13),
        Dollars = decimal.Parse(r.GetString(14), NumberStyles.Float, CultureInfo.InvariantCulture),
        PriceTableVersion = r.IsDBNull(15) ? "" : r.GetString(15),
        Priced = r.GetInt64(16) != 0,
        Cache = (CacheOutcome)r.GetInt32(17),
        SavedDollars = decimal.Parse(r.GetString(18), NumberStyles.Float, CultureInfo.InvariantCulture),
        GpuSeconds = r.GetDouble(19),
        BatchSize = r.GetInt32(20),
        LatencyMs = r.GetDouble(21),
        Outcome = (CostOutcome)r.GetInt32(22),
        StartedAt = new DateTimeOffset(r.GetInt64(23), TimeSpan.Zero),
        CompletedAt = new DateTimeOffset(r.GetInt64(24), TimeSpan.Zero),
        PromptHash = r.IsDBNull(25) ? null : r.GetString(25),
        AnswerHash = r.IsDBNull(26) ? null : r.GetString(26),
        PromptText = r.IsDBNull(27) ? null : r.GetString(27),
        AnswerText = r.IsDBNull(28) ? null : r.GetString(28),
    };
}
