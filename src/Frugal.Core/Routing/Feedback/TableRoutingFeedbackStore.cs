using System.Runtime.CompilerServices;
using Azure;
using Azure.Data.Tables;
using Frugal.Models;

namespace Frugal.Routing.Feedback;

/// <summary>
/// Keeps production routing feedback in Azure Table storage, shared by every instance of a scaled-out app: a verdict
/// finds the step's call whichever instance ran it, and the examples outlive the instances.
/// <para>
/// A remembered call is the entity (<c>call|runId</c>, <c>stepId</c>), so the lookup behind a verdict is a point read
/// and a foreach step's items (<c>each[0]</c>, <c>each[1]</c>, ...) are a RowKey range of the run's partition. An example
/// is (<c>example|runId</c>, <c>stepId|source</c>): written again it replaces itself, as in SQLite. Ids are escaped
/// (<see cref="TableKeys.Escape"/>). Reading every example and purging by age scan the calls' or the examples' range of
/// partitions, filtered by creation time on the server; they run for training and once a day.
/// </para>
/// <para>
/// Only writes create the table: reads (training's, a purge's dry-run count, a verdict's lookup) need no more than
/// Storage Table Data Reader, and find nothing while the table is not there (<see cref="TableReads"/>).
/// </para>
/// <para>
/// A property holds at most 64 KiB, so the system prompt and the prompt are each kept to their first 30,000 characters
/// (the router embeds far less of a prompt than that).
/// </para>
/// </summary>
public sealed class TableRoutingFeedbackStore : IRoutingFeedbackStore
{
    private const int MaxText = 30_000;
    private const string CallPrefix = "call|";
    private const string ExamplePrefix = "example|";

    private readonly TableClient _table;
    private readonly TimeProvider _time;
    private readonly TableCreation _creation;

    /// <summary>Creates the store over a table (created by the first write when missing).</summary>
    /// <param name="table">The table client.</param>
    /// <param name="time">The clock that dates calls and examples for retention.</param>
    public TableRoutingFeedbackStore(TableClient table, TimeProvider? time = null)
    {
        _table = table ?? throw new ArgumentNullException(nameof(table));
        _creation = new TableCreation(table);
        _time = time ?? TimeProvider.System;
    }

    /// <inheritdoc />
    public async Task AddAsync(RoutingFeedback feedback, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(feedback);
        await _creation.EnsureAsync(cancellationToken).ConfigureAwait(false);
        var entity = Dated(new TableEntity(ExamplePrefix + TableKeys.Escape(feedback.RunId), TableKeys.Escape(feedback.StepId) + "|" + TableKeys.Escape(feedback.Source))
        {
            ["RunId"] = feedback.RunId, ["StepId"] = feedback.StepId, ["Source"] = feedback.Source, ["System"] = Clip(feedback.System),
            ["Prompt"] = Clip(feedback.Prompt), ["CheapScore"] = feedback.CheapScore, ["PremiumScore"] = feedback.PremiumScore,
        });
        await _table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task RememberAsync(string runId, string stepId, string tier, string? system, string prompt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(runId);
        ArgumentNullException.ThrowIfNull(stepId);
        await _creation.EnsureAsync(cancellationToken).ConfigureAwait(false);
        var entity = Dated(new TableEntity(CallPartition(runId), TableKeys.Escape(stepId))
        {
            ["StepId"] = stepId, ["Tier"] = tier, ["System"] = Clip(system), ["Prompt"] = Clip(prompt),
        });
        await _table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<string?> MarkAsync(string runId, string stepId, bool good, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(runId);
        ArgumentNullException.ThrowIfNull(stepId);

        // A table that is not there yet has no call: the example written for one creates it.
        var call = await _table.GetEntityIfExistsAsync<TableEntity>(
            CallPartition(runId), TableKeys.Escape(stepId), ["Tier", "System", "Prompt"], cancellationToken).ConfigureAwait(false);
        if (!call.HasValue || call.Value is not { } entity)
        {
            return null;
        }

        var tier = entity.GetString("Tier") ?? string.Empty;
        if (RoutingVerdict.Scores(tier, good) is { } s)
        {
            await AddAsync(new RoutingFeedback(runId, stepId, "user", entity.GetString("System"), entity.GetString("Prompt") ?? string.Empty, s.Cheap, s.Premium), cancellationToken).ConfigureAwait(false);
        }
        else
        {
            // A verdict replaces the step's earlier one: a premium answer judged bad, then good, kept its (0, 0) example.
            // Deleting an entity that is not there succeeds (the table is, since the call was found in it).
            await _table.DeleteEntityAsync(ExamplePrefix + TableKeys.Escape(runId), TableKeys.Escape(stepId) + "|" + TableKeys.Escape("user"), ETag.All, cancellationToken).ConfigureAwait(false);
        }

        return tier;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> ItemStepsAsync(string runId, string stepId, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(runId);
        ArgumentNullException.ThrowIfNull(stepId);

        // '[' is not escaped and '\' (the character after it) always is: the RowKeys that begin with "step[" are this range.
        string prefix = TableKeys.Escape(stepId) + "[";
        string filter = TableClient.CreateQueryFilter($"PartitionKey eq {CallPartition(runId)} and RowKey ge {prefix} and RowKey lt {prefix[..^1] + "\\"}");
        var steps = new List<string>();
        await foreach (var entity in TableReads.OrNoneWithoutTheTable(_table.QueryAsync<TableEntity>(filter, maxPerPage: 1000, select: ["StepId"], cancellationToken: cancellationToken), cancellationToken).ConfigureAwait(false))
        {
            steps.Add(entity.GetString("StepId"));
        }

        return [.. steps.OrderBy(s => s.Length).ThenBy(s => s, StringComparer.Ordinal).Take(limit)];
    }

    /// <inheritdoc />
    /// <remarks>Reads the examples' range of partitions, then orders them by when they were made.</remarks>
    public async IAsyncEnumerable<RoutingFeedback> ReadExamplesAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var examples = new List<(long Created, RoutingFeedback Example)>();
        await foreach (var e in TableReads.OrNoneWithoutTheTable(_table.QueryAsync<TableEntity>(Range(ExamplePrefix), maxPerPage: 1000, cancellationToken: cancellationToken), cancellationToken).ConfigureAwait(false))
        {
            examples.Add((e.GetInt64("CreatedTicks") ?? 0, new RoutingFeedback(
                e.GetString("RunId"), e.GetString("StepId"), e.GetString("Source"), e.GetString("System"), e.GetString("Prompt") ?? string.Empty,
                e.GetDouble("CheapScore") ?? 0, e.GetDouble("PremiumScore") ?? 0)));
        }

        foreach (var (_, example) in examples.OrderBy(e => e.Created))
        {
            yield return example;
        }
    }

    /// <inheritdoc />
    /// <remarks>Reads only the keys of the old calls and examples, and deletes them in entity-group transactions of up to
    /// 100 per partition.</remarks>
    public async Task<(int Calls, int Examples)> PurgeAsync(DateTimeOffset callsBefore, DateTimeOffset examplesBefore, CancellationToken cancellationToken)
    {
        await _creation.EnsureAsync(cancellationToken).ConfigureAwait(false);
        return (await DeleteAsync(CallPrefix, callsBefore).ConfigureAwait(false), await DeleteAsync(ExamplePrefix, examplesBefore).ConfigureAwait(false));

        async Task<int> DeleteAsync(string prefix, DateTimeOffset before) =>
            (int)await TableDeletes.DeleteAsync(_table, KeysBefore(prefix, before, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<(int Calls, int Examples)> CountAsync(DateTimeOffset callsBefore, DateTimeOffset examplesBefore, CancellationToken cancellationToken)
    {
        return (await CountAsync(CallPrefix, callsBefore).ConfigureAwait(false), await CountAsync(ExamplePrefix, examplesBefore).ConfigureAwait(false));

        async Task<int> CountAsync(string prefix, DateTimeOffset before)
        {
            int count = 0;
            await foreach (var _ in TableReads.OrNoneWithoutTheTable(KeysBefore(prefix, before, cancellationToken), cancellationToken).ConfigureAwait(false))
            {
                count++;
            }

            return count;
        }
    }

    private static string CallPartition(string runId) => CallPrefix + TableKeys.Escape(runId);

    /// <summary>The partitions whose keys begin with <paramref name="prefix"/>, which ends in '|' ('}' is the character after it).</summary>
    private static string Range(string prefix) =>
        TableClient.CreateQueryFilter($"PartitionKey ge {prefix} and PartitionKey lt {prefix[..^1] + "}"}");

    private static string? Clip(string? text) => text is { Length: > MaxText } ? text[..MaxText] : text;

    private AsyncPageable<TableEntity> KeysBefore(string prefix, DateTimeOffset before, CancellationToken cancellationToken) =>
        _table.QueryAsync<TableEntity>(
            Range(prefix) + " and " + TableClient.CreateQueryFilter($"CreatedTicks lt {before.UtcTicks}"),
            maxPerPage: 1000, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken);

    private TableEntity Dated(TableEntity entity)
    {
        var now = _time.GetUtcNow();
        entity["Created"] = now;
        entity["CreatedTicks"] = now.UtcTicks;
        return entity;
    }
}
