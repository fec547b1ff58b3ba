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

    /// <summary>Whether to read stored prompt and answer text; reports leave it off.</summary>
    public bool IncludeText { get; init; }

    /// <summary>
    /// Whether to read the details reports do not use: prompt and answer hashes, workflow version, activity, provider
    /// and price table version (left null or empty when off). Reports turn it off to read less.
    /// </summary>
    public bool IncludeDetails { get; init; } = true;
}
