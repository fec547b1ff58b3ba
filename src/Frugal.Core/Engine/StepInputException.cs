namespace Frugal.Engine;

/// <summary>A step got input it cannot work with. Deterministic, so the engine does not retry it.</summary>
public sealed class StepInputException : Exception, Frugal.Telemetry.IRedactableFailure
{
    private readonly string? _redacted;

    /// <summary>
    /// The message without the tenant's text, for telemetry (<see cref="Frugal.Telemetry.TenantTextPolicy"/>): set where
    /// the message quotes a service's error body, which may echo the prompt; else the message itself.
    /// </summary>
    public string RedactedMessage
    {
        get => _redacted ?? Message;
        init => _redacted = value;
    }

    /// <summary>Creates the exception.</summary>
    public StepInputException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    public StepInputException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
