using Frugal.Budgets;
using Frugal.Models;
using Microsoft.DurableTask;

namespace Frugal.Engine;

/// <summary>What a call's failure means for its retries and its cost record.</summary>
internal static class StepFailures
{
    /// <summary>
    /// False for failures that would come back the same on the next attempt: bad input (which includes a model's
    /// client errors), a content filter's refusal or cut answer (the same prompt meets the same filter, and each try is
    /// billed) and a spent budget whose action is Refuse (a month's budget does not come back in seconds).
    /// </summary>
    public static bool IsRetryable(Exception error) => error is not (StepInputException or ContentFilteredException or BudgetExceededException);

    /// <summary>The same rule for an activity's failure as the orchestrator sees it (its exception type, by name).</summary>
    public static bool IsRetryable(TaskFailureDetails failure) =>
        !IsCausedBy<StepInputException>(failure) && !IsCausedBy<ContentFilteredException>(failure) && !IsCausedBy<BudgetExceededException>(failure);

    /// <summary>
    /// <see cref="TaskFailureDetails.IsCausedBy{T}"/>, except that an exception type whose name two loaded assemblies
    /// define (System.Net.Http.HttpRequestException is one) is not one of Frugal's, where the SDK throws
    /// AmbiguousMatchException: that failed the whole run with "Multiple exception types with the name ... were found"
    /// instead of the step's own message.
    /// </summary>
    public static bool IsCausedBy<T>(TaskFailureDetails failure)
        where T : Exception
    {
        ArgumentNullException.ThrowIfNull(failure);
        try
        {
            return failure.IsCausedBy<T>();
        }
        catch (System.Reflection.AmbiguousMatchException)
        {
            return false;
        }
    }

    /// <summary>
    /// True when the failed call is known to have cost nothing: it was refused before it was sent (a budget, a tokens
    /// per minute limit, bad input, an open circuit) or the service answered with an error, which is not billed. Only
    /// a call whose answer never came (a timeout, a dropped connection) may have been billed without Frugal seeing
    /// the usage, so only that stays unpriced.
    /// </summary>
    public static bool CostNothing(Exception error) =>
        error is StepInputException or BudgetExceededException or TokenRateLimitExceededException or ModelCircuitOpenException or BudgetStoreUnavailableException
            or ModelCallException { NothingBilled: true };
}
