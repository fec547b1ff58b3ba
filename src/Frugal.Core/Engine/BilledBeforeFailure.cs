namespace Frugal.Engine;

/// <summary>
/// What a model call that then failed had already been billed for: an answer it could not use (not the JSON its
/// <c>output_schema</c> asks for), the cheap answer an escalation replaced before its premium call failed, and the
/// attempts that timed out (which may have been billed unseen). The model handler hands it to the step executor
/// beside the exception, which keeps its type (that decides whether the step is tried again), for the failed
/// attempt's cost records; without it they priced the whole call at $0 or as unknown. Not on the exception itself:
/// one exception instance can fail several calls at once (a budget seed that failed is awaited by all of them).
/// </summary>
/// <param name="Answered">The answer the step could not use, with its usage; null when the failing call got none.</param>
/// <param name="EscalatedFrom">The cheap attempt an escalation replaced.</param>
/// <param name="UnansweredAttempts">Tiers of the timed-out attempts that the failed call's own record does not stand for.</param>
public sealed record BilledBeforeFailure(CallResult? Answered, TierUsage? EscalatedFrom, IReadOnlyList<string>? UnansweredAttempts)
{
    /// <summary>The tier of the call that failed without an answer (premium, when an escalation's call failed).</summary>
    public string? FailedTier { get; init; }
}
