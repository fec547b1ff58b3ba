namespace Frugal.Costs.Reports;

/// <summary>A cost report: rows per group, totals, per-workflow cost, a daily series and the costliest steps.</summary>
public sealed record CostReportResult
{
    /// <summary>The grouping of <see cref="Groups"/>.</summary>
    public CostGroupBy By { get; init; }

    /// <summary>The start of the period, if bounded.</summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>The end of the period (exclusive), if bounded.</summary>
    public DateTimeOffset? Until { get; init; }

    /// <summary>When the report was made.</summary>
    public DateTimeOffset GeneratedAt { get; init; }

    /// <summary>Cost records read.</summary>
    public long Records { get; init; }

    /// <summary>Total dollars.</summary>
    public decimal Dollars { get; init; }

    /// <summary>Total dollars the cache saved.</summary>
    public decimal SavedDollars { get; init; }

    /// <summary>Calls with an unpriced model (cost unknown).</summary>
    public long UnpricedCalls { get; init; }

    /// <summary>
    /// Hosted model calls that recorded a start and no end (the process ended mid-call, or they are in flight): outcome
    /// unknown, not counted in <see cref="Dollars"/> or the groups' calls and tokens.
    /// </summary>
    public long UnfinishedCalls { get; init; }

    /// <summary>The most the <see cref="UnfinishedCalls"/> can have cost, kept apart from the measured <see cref="Dollars"/>.</summary>
    public decimal UnfinishedMaxDollars { get; init; }

    /// <summary>Unfinished calls whose upper bound the price table could not price (not in <see cref="UnfinishedMaxDollars"/>).</summary>
    public long UnfinishedUnpricedCalls { get; init; }

    /// <summary>One row per group, costliest first.</summary>
    public required IReadOnlyList<CostReportGroup> Groups { get; init; }

    /// <summary>Cost per workflow, costliest first.</summary>
    public required IReadOnlyList<CostReportItem> Workflows { get; init; }

    /// <summary>Tier mix and cache savings per UTC day, oldest first.</summary>
    public required IReadOnlyList<CostReportDay> Days { get; init; }

    /// <summary>The costliest steps (<c>workflow/step</c>), costliest first.</summary>
    public required IReadOnlyList<CostReportItem> TopSteps { get; init; }
}
