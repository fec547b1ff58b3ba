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

    /// <summary>
    /// A write-ahead record: a hosted model call was about to be sent. Its tokens are the prompt's estimate and the
    /// most the call may answer, its dollars the most it can cost; the call's own record replaces it (same key and
    /// invocation). One that stays means the process ended mid-call (a kill, an out-of-memory, a power loss): the call
    /// may have been billed, so reports show it apart from the measured spend, as unfinished with outcome unknown.
    /// </summary>
    Started,
}
