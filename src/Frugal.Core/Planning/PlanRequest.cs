namespace Frugal.Planning;

/// <summary>What the margin planner projects.</summary>
public sealed record PlanRequest
{
    /// <summary>How many times today's observed runs per month to plan for (10 = ten times the traffic).</summary>
    public double Scale { get; init; } = 1;

    /// <summary>The peak number of runs in flight at once; null to take the observed peak overlap times <see cref="Scale"/>.</summary>
    public int? PeakConcurrency { get; init; }

    /// <summary>What one run earns, in dollars; null to skip margins.</summary>
    public decimal? RevenuePerRun { get; init; }

    /// <summary>The target gross margin, between 0 and 1 (0.7 = 70 %).</summary>
    public double TargetMargin { get; init; } = 0.7;

    /// <summary>How many GPU-seconds per second one inference replica serves (its batching concurrency).</summary>
    public double GpuReplicaCapacity { get; init; } = 1;

    /// <summary>Only records that started at or after this instant.</summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>Only records that started before this instant.</summary>
    public DateTimeOffset? Until { get; init; }
}
