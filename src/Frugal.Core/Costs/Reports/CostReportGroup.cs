namespace Frugal.Costs.Reports;

/// <summary>One row of a cost report.</summary>
public sealed record CostReportGroup
{
    /// <summary>The group's key (workflow, tenant, model, tier or <c>workflow/step</c>).</summary>
    public required string Key { get; init; }

    /// <summary>Distinct runs: exact while <see cref="RunsExact"/>, else a K-minimum-values estimate (about 1.6% error).</summary>
    public long Runs { get; init; }

    /// <summary>Whether <see cref="Runs"/> is exact (fewer than 4,096 distinct runs in the group).</summary>
    public bool RunsExact { get; init; }

    /// <summary>Activity attempts (cost records).</summary>
    public long Calls { get; init; }

    /// <summary>Input tokens, cached included.</summary>
    public long InputTokens { get; init; }

    /// <summary>Cached input tokens.</summary>
    public long CachedInputTokens { get; init; }

    /// <summary>Output tokens, reasoning included.</summary>
    public long OutputTokens { get; init; }

    /// <summary>Dollars spent.</summary>
    public decimal Dollars { get; init; }

    /// <summary>Dollars the cache saved.</summary>
    public decimal SavedDollars { get; init; }

    /// <summary>Calls whose model was missing from the price table (their cost is unknown, not zero).</summary>
    public long UnpricedCalls { get; init; }

    /// <summary>Escalations: cheap answers that failed validation and were asked again of premium (their records, outcome escalated).</summary>
    public long Escalations { get; init; }

    /// <summary>What those replaced cheap answers cost (part of <see cref="Dollars"/>): what escalation adds to the bill.</summary>
    public decimal EscalatedDollars { get; init; }

    /// <summary>Share of calls answered from the cache (exact or semantic), 0 to 1.</summary>
    public double CacheHitRate { get; init; }

    /// <summary>GPU seconds on the inference app.</summary>
    public double GpuSeconds { get; init; }

    /// <summary>
    /// Unfinished calls: hosted model calls that were sent (or about to be) and never recorded an end, because the
    /// process ended mid-call (or they are in flight now). Their outcome is unknown and they are not in
    /// <see cref="Calls"/>, the tokens or <see cref="Dollars"/>.
    /// </summary>
    public long UnfinishedCalls { get; init; }

    /// <summary>The most the <see cref="UnfinishedCalls"/> can have cost (their prompts and their most output tokens, priced); kept apart from <see cref="Dollars"/>.</summary>
    public decimal UnfinishedMaxDollars { get; init; }

    /// <summary>Median latency in milliseconds (histogram estimate, within 2%).</summary>
    public double LatencyP50Ms { get; init; }

    /// <summary>95th percentile latency in milliseconds (histogram estimate, within 2%).</summary>
    public double LatencyP95Ms { get; init; }
}
