namespace Frugal.Engine;

/// <summary>
/// What a model call that then failed had already been billed for: an answer it could not use (not the JSON its
/// <c>output_schema</c> asks for), the cheap answer an escalation replaced before its premium call failed, and the
/// attempts that timed out (which may have been billed unseen). It travels on the call's exception, in
/// <see cref="Exception.Data"/> so that the exception keeps its type (which decides whether the step is tried again),
/// to the failed attempt's cost records; without it they priced the whole call at $0 or as unknown.
/// </summary>
/// <param name="Answered">The answer the step could not use, with its usage; null when the failing call got none.</param>
/// <param name="EscalatedFrom">The cheap attempt an escalation replaced.</param>
/// <param name="UnansweredAttempts">Tiers of the timed-out attempts that the failed call's own record does not stand for.</param>
public sealed record BilledBeforeFailure(CallResult? Answered, TierUsage? EscalatedFrom, IReadOnlyList<string>? UnansweredAttempts)
{
    private const string Key = "frugal.billed-before-failure";

    /// <summary>The tier of the call that failed without an answer (premium, when an escalation's call failed).</summary>
    public string? FailedTier { get; init; }

    /// <summary>Puts <paramref name="billed"/> on <paramref name="exception"/>.</summary>
    public static void Attach(Exception exception, BilledBeforeFailure billed)
    {
        ArgumentNullException.ThrowIfNull(exception);
        exception.Data[Key] = billed;
    }

    /// <summary>What <paramref name="exception"/>'s call had been billed for; null when nothing is known.</summary>
    public static BilledBeforeFailure? Of(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception.Data[Key] as BilledBeforeFailure;
    }
}
