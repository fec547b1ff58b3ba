namespace Frugal.Budgets;

/// <summary>
/// A model call waited <see cref="BudgetOptions.TokensPerMinuteMaxWait"/> and its tenant was still over its
/// tokens-per-minute limit.
/// </summary>
public sealed class TokenRateLimitExceededException : Exception, Frugal.Telemetry.IRedactableFailure
{
    /// <summary>The message, which quotes none of the tenant's text (it names limits, settings and deployments).</summary>
    public string RedactedMessage => Message;

    /// <summary>Creates the exception.</summary>
    public TokenRateLimitExceededException()
    {
    }

    /// <summary>Creates the exception with a message naming the tenant and the limit.</summary>
    /// <param name="message">The message.</param>
    public TokenRateLimitExceededException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public TokenRateLimitExceededException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Seconds until the tenant's window frees.</summary>
    public int RetryAfterSeconds { get; init; }
}
