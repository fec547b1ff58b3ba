using System.Globalization;
using System.Runtime.CompilerServices;
using Azure;
using Azure.Data.Tables;

namespace Frugal.Costs;

/// <summary>
/// The Azure ledger: one Table storage entity per cost record.
/// <para>
/// PartitionKey is <c>yyyyMMdd_tenant</c> (the UTC day the attempt started, then the tenant) and RowKey is
/// <c>runId|stepId|attempt</c>. The key is unique within a partition, so <c>AddEntity</c> answering 409 Conflict
/// means "already written": a retried append of the same record is a no-op, and another execution's record with the
/// same key (<see cref="CostRecord.Invocation"/>) is kept under a re-run key. Reports ask for a time range, which becomes
/// PartitionKey ranges (days sort as text), one per day read several at a time, instead of a full scan; one tenant's day
/// is a single partition. A batch
/// of up to 100 records per partition commits as one entity-group transaction.
/// </para>
/// <para>
/// Table storage rather than append blobs: an append blob cannot reject a duplicate (idempotency would need a
/// separate index), cannot be filtered by time or tenant without reading it all, and allows one writer per blob at a
/// time; Table storage gives keyed, conditional inserts and server-side filters for the same price class.
/// A record re-executed across UTC midnight with the same key lands in a new day partition and is kept twice:
/// that re-execution did call the model again, so the second record is a real cost.
/// </para>
/// </summary>
public sealed partial class TableCostLedger : ICostLedger
{
    private const int MaxBatch = 100;
    private const int MaxText = 30_000;

    /// <summary>The longest span (days) a tenant's query reads partition by partition rather than as one range.</summary>
    private const int MaxPartitionDays = 62;

    /// <summary>
    /// How many day partitions (a tenant's) or day ranges (every tenant's) a query reads at once. Each is a sequence of
    /// pages read one after another: a year read as one range was 200 pages in a row for 200,000 records, 551 s on
    /// Azurite, over the Functions host's 230 s for an HTTP answer (49 s read this way; docs/costs.md).
    /// </summary>
    private const int ReadParallelism = 8;

    /// <summary>The most day ranges a query is cut into; a longer period reads several days per range.</summary>
    private const int MaxRanges = 400;

    private static readonly string[] SpendProperties =
        ["Outcome", "StartedTicks", "Priced", "Tier", "Model", "InputTokens", "CachedInputTokens", "OutputTokens", "ReasoningTokens", "Dollars", "Invocation"];

    /// <summary>The properties a record is read from with neither details nor text (<see cref="FromEntity"/>).</summary>
    private static readonly string[] RecordProperties =
    [
        "RunId", "StepId", "Attempt", "Workflow", "Tenant", "Tier", "Model", "InputTokens", "CachedInputTokens", "OutputTokens",
        "ReasoningTokens", "Dollars", "Priced", "Cache", "SavedDollars", "GpuSeconds", "BatchSize", "LatencyMs", "Outcome",
        "StartedTicks", "CompletedTicks",
    ];

    private static readonly string[] DetailProperties = ["WorkflowVersion", "Activity", "Provider", "PriceTableVersion", "PromptHash", "AnswerHash"];

    private static readonly string[] TextProperties = ["PromptText", "AnswerText"];

    private readonly TableClient _table;
    private readonly TimeProvider _time;
    private readonly TableCreation _creation;

    /// <summary>Creates the ledger over a table (created when missing).</summary>
    /// <param name="table">The table client.</param>
    /// <param name="time">The clock: the last day partition a query with no end reads is tomorrow's.</param>
    public TableCostLedger(TableClient table, TimeProvider? time = null)
    {
        _table = table ?? throw new ArgumentNullException(nameof(table));
        _creation = new TableCreation(table);
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The table's address.</summary>
    public Uri TableUri => _table.Uri;

    /// <inheritdoc />
    /// <remarks>
    /// A time range becomes a PartitionKey range per day. One tenant's records over at most <see cref="MaxPartitionDays"/> days
    /// are read day partition by day partition instead (a month-to-date budget seed, a tenant's report, a run's spend):
    /// the range alone also reads every other tenant's records of those days, server-side. A run's records are then a
    /// RowKey range within each partition. The partitions, or the days of a range, are read <see cref="ReadParallelism"/>
    /// at a time, so records come in no order; only the properties the query's record needs are read (no text unless
    /// <see cref="CostQuery.IncludeText"/>, no hashes or versions unless <see cref="CostQuery.IncludeDetails"/>).
    /// </remarks>
    public async IAsyncEnumerable<CostRecord> QueryAsync(CostQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        string[]? select = (query.IncludeDetails, query.IncludeText) switch
        {
            (true, true) => null,
            (true, false) => [.. RecordProperties, .. DetailProperties],
            (false, true) => [.. RecordProperties, .. TextProperties],
            (false, false) => RecordProperties,
        };
        await foreach (var entity in EntitiesAsync(query, select, cancellationToken).ConfigureAwait(false))
        {
            yield return FromEntity(entity, query.IncludeText, query.IncludeDetails);
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// Table storage cannot sum on the server: every record is still read, as <see cref="QueryAsync"/> reads them, but
    /// only the eleven properties the sum needs come back (not the hashes, the keys and any stored text).
    /// </remarks>
    public async Task<CostSpend> SpendAsync(CostQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var spend = new CostSpendBuilder(query.CountStartsBefore);
        await foreach (var e in EntitiesAsync(query, SpendProperties, cancellationToken).ConfigureAwait(false))
        {
            spend.Add(
                (CostOutcome)(e.GetInt32("Outcome") ?? 0),
                new DateTimeOffset(e.GetInt64("StartedTicks") ?? 0, TimeSpan.Zero),
                e.GetBoolean("Priced") ?? true,
                (CostTier)(e.GetInt32("Tier") ?? 0),
                e.GetString("Model"),
                new TokenUsage(e.GetInt64("InputTokens") ?? 0, e.GetInt64("CachedInputTokens") ?? 0, e.GetInt64("OutputTokens") ?? 0, e.GetInt64("ReasoningTokens") ?? 0),
                ParseDecimal(e.GetString("Dollars")),
                e.GetString("Invocation"));
        }

        return spend.Build();
    }

    /// <summary>The entities <paramref name="query"/> selects, with the properties in <paramref name="select"/> (all when null).</summary>
    private async IAsyncEnumerable<TableEntity> EntitiesAsync(CostQuery query, IEnumerable<string>? select, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var filters = new List<string>();
        if (query.Since is { } since)
        {
            filters.Add(TableClient.CreateQueryFilter($"StartedAt ge {since}"));
        }

        if (query.Until is { } until)
        {
            filters.Add(TableClient.CreateQueryFilter($"StartedAt lt {until}"));
        }

        AddEquals(filters, "Workflow", query.Workflow);
        AddEquals(filters, "RunId", query.RunId);
        if (query.Tiers is { } tiers)
        {
            if (tiers.Count == 0)
            {
                yield break;
            }

            filters.Add("(" + string.Join(" or ", tiers.Select(t => TableClient.CreateQueryFilter($"Tier eq {(int)t}"))) + ")");
        }

        IEnumerable<string> partitions;
        if (PartitionsOf(query) is { } tenantPartitions)
        {
            if (query.RunId is { } run)
            {
                // '|' ends the run id in a RowKey ('|' is escaped inside it), and '}' is the character after it.
                filters.Add(TableClient.CreateQueryFilter($"RowKey ge {Escape(run) + "|"}"));
                filters.Add(TableClient.CreateQueryFilter($"RowKey lt {Escape(run) + "}"}"));
            }

            partitions = tenantPartitions;
        }
        else
        {
            AddEquals(filters, "Tenant", query.Tenant);
            partitions = DayRanges(query);
        }

        var segments = partitions
            .Select(partition => string.Join(" and ", filters.Prepend(partition).Where(f => f.Length > 0)))
            .Select(filter => filter.Length == 0 ? null : filter)
            .ToList();
        await foreach (var entity in ReadAsync(segments, select, cancellationToken).ConfigureAwait(false))
        {
            yield return entity;
        }
    }

    /// <inheritdoc />
    /// <remarks>Reads only the keys of the old records (a PartitionKey range, then the start time) and deletes them in
    /// entity-group transactions of up to 100 per partition.</remarks>
    public async Task<long> PurgeAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        await _creation.EnsureAsync(cancellationToken).ConfigureAwait(false);
        return await TableDeletes.DeleteAsync(_table, KeysBefore(before, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>Reads the keys <see cref="PurgeAsync"/> would delete, with its filter.</remarks>
    public async Task<long> CountBeforeAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        long count = 0;
        await foreach (var _ in TableReads.OrNoneWithoutTheTable(KeysBefore(before, cancellationToken), cancellationToken).ConfigureAwait(false))
        {
            count++;
        }

        return count;
    }

    /// <summary>The keys of the records that started before <paramref name="before"/>: a PartitionKey range, then the start time.</summary>
    private Azure.AsyncPageable<TableEntity> KeysBefore(DateTimeOffset before, CancellationToken cancellationToken)
    {
        string filter = TableClient.CreateQueryFilter($"PartitionKey lt {Day(before.AddDays(1))}")
            + " and " + TableClient.CreateQueryFilter($"StartedTicks lt {before.UtcTicks}");
        return _table.QueryAsync<TableEntity>(filter, maxPerPage: 1000, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken);
    }

    /// <summary>The PartitionKey of a record: its UTC start day, then its escaped tenant.</summary>
    /// <param name="record">The record.</param>
    /// <returns>The PartitionKey.</returns>
    public static string PartitionKeyOf(CostRecord record) => Day(record.StartedAt) + "_" + Escape(record.Tenant);

    /// <summary>The RowKey of a record: <c>runId|stepId|attempt</c> with key-illegal characters escaped.</summary>
    /// <param name="record">The record.</param>
    /// <returns>The RowKey.</returns>
    public static string RowKeyOf(CostRecord record) =>
        $"{Escape(record.RunId)}|{Escape(record.StepId)}|{record.Attempt.ToString("D4", CultureInfo.InvariantCulture)}";

    private static void AddEquals(List<string> filters, string property, string? value)
    {
        if (value is not null)
        {
            filters.Add(property + " eq " + TableClient.CreateQueryFilter($"{value}"));
        }
    }

    private static DateTime Min(DateTime a, DateTime b) => a < b ? a : b;

    private static string Day(DateTimeOffset time) => time.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    private static string Escape(string value) => TableKeys.Escape(value);

    private static string? Clip(string? text) => text is { Length: > MaxText } ? text[..MaxText] : text;

    private static TableEntity ToEntity(CostRecord r) => new(PartitionKeyOf(r), RowKeyOf(r))
    {
        ["RunId"] = r.RunId, ["StepId"] = r.StepId, ["Attempt"] = r.Attempt, ["Workflow"] = r.Workflow,
        ["WorkflowVersion"] = r.WorkflowVersion, ["Activity"] = r.Activity, ["Tenant"] = r.Tenant, ["Tier"] = (int)r.Tier,
        ["Provider"] = r.Provider, ["Model"] = r.Model, ["InputTokens"] = r.InputTokens,
        ["CachedInputTokens"] = r.CachedInputTokens, ["OutputTokens"] = r.OutputTokens, ["ReasoningTokens"] = r.ReasoningTokens,
        ["Dollars"] = r.Dollars.ToString(CultureInfo.InvariantCulture), ["PriceTableVersion"] = r.PriceTableVersion,
        ["Priced"] = r.Priced, ["Cache"] = (int)r.Cache, ["SavedDollars"] = r.SavedDollars.ToString(CultureInfo.InvariantCulture),
        ["GpuSeconds"] = r.GpuSeconds, ["BatchSize"] = r.BatchSize, ["LatencyMs"] = r.LatencyMs, ["Outcome"] = (int)r.Outcome,
        ["StartedAt"] = r.StartedAt, ["CompletedAt"] = r.CompletedAt, ["StartedTicks"] = r.StartedAt.UtcTicks,
        ["CompletedTicks"] = r.CompletedAt.UtcTicks, ["PromptHash"] = r.PromptHash, ["AnswerHash"] = r.AnswerHash,
        ["PromptText"] = Clip(r.PromptText), ["AnswerText"] = Clip(r.AnswerText), ["Invocation"] = r.Invocation,
    };

    private static CostRecord FromEntity(TableEntity e, bool includeText, bool includeDetails) => new()
    {
        RunId = e.GetString("RunId"), StepId = e.GetString("StepId"), Attempt = e.GetInt32("Attempt") ?? 1,
        Workflow = e.GetString("Workflow"), WorkflowVersion = (includeDetails ? e.GetString("WorkflowVersion") : null) ?? "",
        Activity = (includeDetails ? e.GetString("Activity") : null) ?? "", Tenant = e.GetString("Tenant") ?? "default",
        Tier = (CostTier)(e.GetInt32("Tier") ?? 0), Provider = includeDetails ? e.GetString("Provider") : null, Model = e.GetString("Model"),
        InputTokens = e.GetInt64("InputTokens") ?? 0, CachedInputTokens = e.GetInt64("CachedInputTokens") ?? 0,
        OutputTokens = e.GetInt64("OutputTokens") ?? 0, ReasoningTokens = e.GetInt64("ReasoningTokens") ?? 0,
        Dollars = ParseDecimal(e.GetString("Dollars")), PriceTableVersion = (includeDetails ? e.GetString("PriceTableVersion") : null) ?? "",
        Priced = e.GetBoolean("Priced") ?? true, Cache = (CacheOutcome)(e.GetInt32("Cache") ?? 0),
        SavedDollars = ParseDecimal(e.GetString("SavedDollars")), GpuSeconds = e.GetDouble("GpuSeconds") ?? 0,
        BatchSize = e.GetInt32("BatchSize") ?? 1, LatencyMs = e.GetDouble("LatencyMs") ?? 0,
        Outcome = (CostOutcome)(e.GetInt32("Outcome") ?? 0),
        StartedAt = new DateTimeOffset(e.GetInt64("StartedTicks") ?? 0, TimeSpan.Zero),
        CompletedAt = new DateTimeOffset(e.GetInt64("CompletedTicks") ?? 0, TimeSpan.Zero),
        PromptHash = includeDetails ? e.GetString("PromptHash") : null, AnswerHash = includeDetails ? e.GetString("AnswerHash") : null,
        PromptText = includeText ? e.GetString("PromptText") : null, AnswerText = includeText ? e.GetString("AnswerText") : null,
    };

    private static decimal ParseDecimal(string? text) =>
        text is null ? 0m : decimal.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
}
