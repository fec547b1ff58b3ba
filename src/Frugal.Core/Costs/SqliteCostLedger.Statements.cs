using System.Globalization;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Frugal.Costs;

/// <summary>How the writer stores a record: its prepared statements, bound by position through SQLitePCLRaw (see <c>Prepare</c>).</summary>
public sealed partial class SqliteCostLedger
{
    /// <summary>Inserts <paramref name="record"/> in the open transaction; false when the ledger held it already.</summary>
    private bool Store(SqliteConnection connection, sqlite3_stmt insert, CostRecord record)
    {
        var candidate = record;
        for (var rerun = 1; !Insert(connection, insert, candidate); rerun++)
        {
            // The key is taken. By this same record (appended again): done. By another execution of the same
            // attempt (its host stopped before the result was stored, and it ran again): a real cost, kept
            // under the next free re-run key (see CostRecord.Invocation).
            if (record.Invocation is null)
            {
                return false;
            }

            var (invocation, outcome) = FindInvocation(connection, _findInvocation ??= Prepare(connection, FindInvocationSql), candidate);
            if (invocation == record.Invocation)
            {
                // The same call: its write-ahead record (CostOutcome.Started) gives way to its own record, in
                // this transaction, so a report never counts both; anything else is this record appended again.
                if (outcome == CostOutcome.Started && record.Outcome != CostOutcome.Started)
                {
                    DeleteStarted(connection, _deleteStarted ??= Prepare(connection, DeleteStartedSql), candidate);
                    Insert(connection, insert, candidate);
                    return true;
                }

                return false;
            }

            candidate = record.Rerun(rerun);
        }

        return true;
    }

    /// <summary>
    /// The insert statement, prepared once for the writer's life (compiling it was most of a small batch's CPU), on the
    /// writer's own SQLite handle through SQLitePCLRaw, the library Microsoft.Data.Sqlite is built on. Written against
    /// the lower layer because Microsoft.Data.Sqlite binds every parameter by name on every execution: SQLite finds a
    /// name by comparing it with each of the statement's names in turn, 29 columns made that about 400 string
    /// comparisons a row, and with the boxing and per-execution reader it was most of a record's CPU.
    /// </summary>
    private static sqlite3_stmt Prepare(SqliteConnection connection, string sql)
    {
        var rc = raw.sqlite3_prepare_v2(connection.Handle, sql, out var statement);
        if (rc != raw.SQLITE_OK)
        {
            statement.Dispose();
            throw Error(connection, rc);
        }

        return statement;
    }

    /// <summary>
    /// Binds the record's columns by position (the order of <see cref="Columns"/>, then its invocation) and runs the
    /// insert; false when a record with its key is already stored.
    /// </summary>
    private static bool Insert(SqliteConnection connection, sqlite3_stmt s, CostRecord r)
    {
        Text(s, 1, r.RunId);
        Text(s, 2, r.StepId);
        raw.sqlite3_bind_int64(s, 3, r.Attempt);
        Text(s, 4, r.Workflow);
        Text(s, 5, r.WorkflowVersion);
        Text(s, 6, r.Activity);
        Text(s, 7, r.Tenant);
        raw.sqlite3_bind_int64(s, 8, (int)r.Tier);
        Text(s, 9, r.Provider);
        Text(s, 10, r.Model);
        raw.sqlite3_bind_int64(s, 11, r.InputTokens);
        raw.sqlite3_bind_int64(s, 12, r.CachedInputTokens);
        raw.sqlite3_bind_int64(s, 13, r.OutputTokens);
        raw.sqlite3_bind_int64(s, 14, r.ReasoningTokens);
        Text(s, 15, r.Dollars.ToString(CultureInfo.InvariantCulture));
        Text(s, 16, r.PriceTableVersion);
        raw.sqlite3_bind_int64(s, 17, r.Priced ? 1 : 0);
        raw.sqlite3_bind_int64(s, 18, (int)r.Cache);
        Text(s, 19, r.SavedDollars.ToString(CultureInfo.InvariantCulture));
        raw.sqlite3_bind_double(s, 20, Finite(r.GpuSeconds));
        raw.sqlite3_bind_int64(s, 21, r.BatchSize);
        raw.sqlite3_bind_double(s, 22, Finite(r.LatencyMs));
        raw.sqlite3_bind_int64(s, 23, (int)r.Outcome);
        raw.sqlite3_bind_int64(s, 24, r.StartedAt.UtcTicks);
        raw.sqlite3_bind_int64(s, 25, r.CompletedAt.UtcTicks);
        Text(s, 26, r.PromptHash);
        Text(s, 27, r.AnswerHash);
        Text(s, 28, r.PromptText);
        Text(s, 29, r.AnswerText);
        Text(s, 30, r.Invocation);
        var rc = raw.sqlite3_step(s);
        raw.sqlite3_reset(s);
        if (rc != raw.SQLITE_DONE)
        {
            throw Error(connection, rc);
        }

        return raw.sqlite3_changes(connection.Handle) > 0;
    }

    /// <summary>
    /// The invocation (null for records written before invocations) and outcome of the stored record with
    /// <paramref name="r"/>'s key.
    /// </summary>
    private static (string? Invocation, CostOutcome? Outcome) FindInvocation(SqliteConnection connection, sqlite3_stmt s, CostRecord r)
    {
        Text(s, 1, r.RunId);
        Text(s, 2, r.StepId);
        raw.sqlite3_bind_int64(s, 3, r.Attempt);
        var rc = raw.sqlite3_step(s);
        try
        {
            return rc switch
            {
                raw.SQLITE_ROW => (
                    raw.sqlite3_column_type(s, 0) == raw.SQLITE_NULL ? null : raw.sqlite3_column_text(s, 0).utf8_to_string(),
                    (CostOutcome)raw.sqlite3_column_int(s, 1)),
                raw.SQLITE_DONE => (null, null),
                _ => throw Error(connection, rc),
            };
        }
        finally
        {
            raw.sqlite3_reset(s);
        }
    }

    /// <summary>Deletes the write-ahead record of <paramref name="r"/>'s call (its key and invocation).</summary>
    private static void DeleteStarted(SqliteConnection connection, sqlite3_stmt s, CostRecord r)
    {
        Text(s, 1, r.RunId);
        Text(s, 2, r.StepId);
        raw.sqlite3_bind_int64(s, 3, r.Attempt);
        Text(s, 4, r.Invocation);
        var rc = raw.sqlite3_step(s);
        raw.sqlite3_reset(s);
        if (rc != raw.SQLITE_DONE)
        {
            throw Error(connection, rc);
        }
    }

    private static void Text(sqlite3_stmt statement, int index, string? value)
    {
        if (value is null)
        {
            raw.sqlite3_bind_null(statement, index);
        }
        else
        {
            raw.sqlite3_bind_text(statement, index, value);
        }
    }

    private static SqliteException Error(SqliteConnection connection, int rc) =>
        new(raw.sqlite3_errmsg(connection.Handle).utf8_to_string(), rc, raw.sqlite3_extended_errcode(connection.Handle));
}
