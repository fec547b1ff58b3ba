namespace Frugal.Engine;

/// <summary>
/// A step failed for good: its input was bad, or its attempts are spent. Thrown by the orchestrator, so it is what a
/// failed run reports: the step, the attempts, and the last attempt's error, rather than the Durable Task SDK's
/// "Task 'ExecuteStep' (#6) failed with an unhandled exception", which names neither the step nor the workflow's terms.
/// </summary>
public sealed class StepFailedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public StepFailedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    public StepFailedException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>The step that failed (a failed run's status marks it), when the failure is one step's.</summary>
    public string? StepId { get; init; }

    /// <summary>The step's activity attempts, retries included; 0 when it failed before its first (its <c>when</c>, its <c>items</c>).</summary>
    public int Attempts { get; init; }

    /// <summary>
    /// The failure of step <paramref name="stepId"/> from its last attempt's <paramref name="error"/>: said as is when
    /// the input was bad (the activity's message names the step already, and the foreach item, when the step's own
    /// expressions failed); <paramref name="items"/> names the foreach items of the attempt ("item 3").
    /// </summary>
    internal static StepFailedException From(string stepId, int attempts, string error, bool badInput, Exception inner, string? items = null)
    {
        var step = $"step '{stepId}'";
        return new StepFailedException(
            badInput ? error.StartsWith(step, StringComparison.Ordinal) ? error : items is null ? $"{step}: {error}" : $"{step}: {items}: {error}"
            : items is null ? $"{step} failed after {attempts} attempt(s): {error}" : $"{step} failed after {attempts} attempt(s) ({items}): {error}",
            inner)
        {
            StepId = stepId,
            Attempts = attempts,
        };
    }
}
