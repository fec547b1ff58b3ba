namespace Frugal.Engine;

/// <summary>Why one call of a batch failed while others were answered.</summary>
/// <param name="Type">The exception's type.</param>
/// <param name="Message">The exception's message: for the run's caller, it may quote the tenant's text.</param>
/// <param name="Retryable">False for bad input, which fails the same way every time.</param>
public sealed record CallFailure(string Type, string Message, bool Retryable)
{
    /// <summary>
    /// The message without the tenant's text (<see cref="Telemetry.TenantTextPolicy.Redact"/>), for telemetry of a tenant
    /// whose text is not stored; null in a history written before it was kept.
    /// </summary>
    public string? RedactedMessage { get; init; }
}
