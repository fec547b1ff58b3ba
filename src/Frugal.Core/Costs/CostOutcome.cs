namespace Frugal.Costs;

/// <summary>How an activity attempt ended.</summary>
public enum CostOutcome
{
    /// <summary>The attempt produced its answer.</summary>
    Succeeded,

    /// <summary>The attempt failed (it may be retried under a new attempt number).</summary>
    Failed,

    /// <summary>The attempt's answer was rejected and the step escalated to a higher tier.</summary>
    Escalated,

    /// <summary>The step did not run (its condition was false).</summary>
    Skipped,
}
