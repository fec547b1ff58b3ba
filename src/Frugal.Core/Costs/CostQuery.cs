namespace Frugal.Costs;

/// <summary>Which cost records to read. Null filters match everything.</summary>
public sealed record CostQuery
{
    /// <summary>Records that started at or after this instant.</summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>Records that started before this instant (exclusive).</summary>
    public DateTimeOffset? Until { get; init; }

    /// <summary>Only this tenant's records.</summary>
    public string? Tenant { get; init; }

    /// <summary>Only this workflow's records.</summary>
    public string? Workflow { get; init; }

    /// <summary>Only this run's records.</summary>
    public string? RunId { get; init; }

    /// <summary>Only records of these tiers.</summary>
    public IReadOnlyList<CostTier>? Tiers { get; init; }

    /// <summary>
    /// For <see cref="ICostLedger.SpendAsync"/> (budget seeding): the starts (<see cref="CostOutcome.Started"/>) of calls
    /// never finished that began before this instant count at their recorded upper bound, as a budget store counts a
    /// reservation whose lease passed unsettled (a call cut off by a kill). Null leaves every start out, as a call that
    /// may still be in flight: its own reservation and record count it.
    /// </summary>
    public DateTimeOffset? CountStartsBefore { get; init; }

    /// <summary>Whether to read stored prompt and answer text; reports leave it off.</summary>
    public bool IncludeText { get; init; }

    /// <summary>
    /// Whether to read the details reports do not use: prompt and answer hashes, workflow version, activity, provider
    /// and price table version (left null or empty when off). Reports turn it off to read less.
    /// </summary>
    public bool IncludeDetails { get; init; } = true;
}
