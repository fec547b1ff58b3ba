using System.Globalization;
using Frugal.Models;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Frugal.Routing.Feedback;

/// <summary>
/// Keeps production routing feedback in a SQLite file (<see cref="IRoutingFeedbackStore"/>): complete for
/// <c>frugal serve</c> and a single-instance app, where every step runs on the host that receives its verdicts.
/// </summary>
public sealed class SqliteRoutingFeedbackStore : IRoutingFeedbackStore
{
    private readonly string _connectionString;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private bool _created;

    /// <summary>Creates the store over the configured file.</summary>
    public SqliteRoutingFeedbackStore(IOptions<RoutingFeedbackOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        var path = System.IO.Path.GetFullPath(options.Value.Path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = true }.ToString();
        _time = time;
    }

    /// <inheritdoc />
    public Task AddAsync(RoutingFeedback feedback, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(feedback);
        return ExecuteAsync(
            "INSERT OR REPLACE INTO examples (run_id, step_id, source, system, prompt, cheap_score, premium_score, created) VALUES ($run, $step, $source, $system, $prompt, $cheap, $premium, $created)",
            cancellationToken,
            ("$run", feedback.RunId), ("$step", feedback.StepId), ("$source", feedback.Source), ("$system", feedback.System),
            ("$prompt", feedback.Prompt), ("$cheap", feedback.CheapScore), ("$premium", feedback.PremiumScore), ("$created", Now()));
    }

    /// <inheritdoc />
    public Task RememberAsync(string runId, string stepId, string tier, string? system, string prompt, CancellationToken cancellationToken) =>
        ExecuteAsync(
            "INSERT OR REPLACE INTO calls (run_id, step_id, tier, system, prompt, created) VALUES ($run, $step, $tier, $system, $prompt, $created)",
            cancellationToken,
            ("$run", runId), ("$step", stepId), ("$tier", tier), ("$system", system), ("$prompt", prompt), ("$created", Now()));

    /// <inheritdoc />
    public async Task<string?> MarkAsync(string runId, string stepId, bool good, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var read = connection.CreateCommand();
        read.CommandText = "SELECT tier, system, prompt FROM calls WHERE run_id = $run AND step_id = $step";
        read.Parameters.AddWithValue("$run", runId);
        read.Parameters.AddWithValue("$step", stepId);
        await using var reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var tier = reader.GetString(0);
        var system = reader.IsDBNull(1) ? null : reader.GetString(1);
        var prompt = reader.GetString(2);
        if (RoutingVerdict.Scores(tier, good) is { } s)
        {
            await AddAsync(new RoutingFeedback(runId, stepId, "user", system, prompt, s.Cheap, s.Premium), cancellationToken).ConfigureAwait(false);
        }
        else
        {
            // A verdict replaces the step's earlier one: a premium answer judged bad, then good, kept its (0, 0) example.
            await ExecuteAsync(
                "DELETE FROM examples WHERE run_id = $run AND step_id = $step AND source = 'user'",
                cancellationToken,
                ("$run", runId), ("$step", stepId)).ConfigureAwait(false);
        }

        return tier;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> ItemStepsAsync(string runId, string stepId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT step_id FROM calls WHERE run_id = $run AND substr(step_id, 1, length($prefix)) = $prefix ORDER BY length(step_id), step_id LIMIT $limit";
        command.Parameters.AddWithValue("$run", runId);
        command.Parameters.AddWithValue("$prefix", stepId + "[");
        command.Parameters.AddWithValue("$limit", limit);
        var steps = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            steps.Add(reader.GetString(0));
        }

        return steps;
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<RoutingFeedback> ReadExamplesAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT run_id, step_id, source, system, prompt, cheap_score, premium_score FROM examples ORDER BY created";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return new RoutingFeedback(
                reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.GetString(4), reader.GetDouble(5), reader.GetDouble(6));
        }
    }

    /// <inheritdoc />
    public async Task<(int Calls, int Examples)> PurgeAsync(DateTimeOffset callsBefore, DateTimeOffset examplesBefore, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return (await DeleteAsync("calls", callsBefore).ConfigureAwait(false), await DeleteAsync("examples", examplesBefore).ConfigureAwait(false));

        async Task<int> DeleteAsync(string table, DateTimeOffset before)
        {
            await using var command = connection.CreateCommand();
            // Times are written by Now() in one form (UTC, round-trip), so they compare as text.
            command.CommandText = $"DELETE FROM {table} WHERE created < $before";
            command.Parameters.AddWithValue("$before", Text(before));
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async Task<(int Calls, int Examples)> CountAsync(DateTimeOffset callsBefore, DateTimeOffset examplesBefore, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return (await CountAsync("calls", callsBefore).ConfigureAwait(false), await CountAsync("examples", examplesBefore).ConfigureAwait(false));

        async Task<int> CountAsync(string table, DateTimeOffset before)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT count(*) FROM {table} WHERE created < $before";
            command.Parameters.AddWithValue("$before", Text(before));
            return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
        }
    }

    private static string Text(DateTimeOffset time) => time.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    private string Now() => Text(_time.GetUtcNow());

    private async Task ExecuteAsync(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        lock (_lock)
        {
            if (!_created)
            {
                using var command = connection.CreateCommand();
                command.CommandText = """
                    PRAGMA journal_mode=WAL;
                    CREATE TABLE IF NOT EXISTS calls (run_id TEXT NOT NULL, step_id TEXT NOT NULL, tier TEXT NOT NULL, system TEXT, prompt TEXT NOT NULL, created TEXT NOT NULL, PRIMARY KEY (run_id, step_id));
                    CREATE TABLE IF NOT EXISTS examples (run_id TEXT NOT NULL, step_id TEXT NOT NULL, source TEXT NOT NULL, system TEXT, prompt TEXT NOT NULL, cheap_score REAL NOT NULL, premium_score REAL NOT NULL, created TEXT NOT NULL, PRIMARY KEY (run_id, step_id, source));
                    """;
                command.ExecuteNonQuery();
                _created = true;
            }
        }

        return connection;
    }
}
