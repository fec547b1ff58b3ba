namespace Frugal.Costs.Reports;

/// <summary>What a cost report covers and how it groups.</summary>
public sealed record CostReportRequest
{
    /// <summary>The grouping of the report's rows.</summary>
    public CostGroupBy By { get; init; } = CostGroupBy.Workflow;

    /// <summary>Records that started at or after this instant.</summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>Records that started before this instant.</summary>
    public DateTimeOffset? Until { get; init; }

    /// <summary>Only this tenant's records.</summary>
    public string? Tenant { get; init; }

    /// <summary>Only this workflow's records.</summary>
    public string? Workflow { get; init; }

    /// <summary>How many of the costliest steps the report lists.</summary>
    public int TopSteps { get; init; } = 10;
}
