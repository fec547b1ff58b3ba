namespace Frugal.Telemetry;

/// <summary>
/// A failure that can say what failed and where without the tenant's text. Its <see cref="Exception.Message"/> is for
/// the run's caller (the run's status, <c>frugal run</c>), and may quote a prompt, a model's answer or a service's error
/// body that echoes the prompt; <see cref="RedactedMessage"/> is what spans and logs carry for a tenant whose text is not
/// stored (<see cref="TenantTextPolicy"/>). A failure of a type that does not implement it is named by its type only.
/// </summary>
public interface IRedactableFailure
{
    /// <summary>The message without any of the tenant's text: the same as the message when it quotes none.</summary>
    string RedactedMessage { get; }
}
