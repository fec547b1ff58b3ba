namespace Frugal.Models;

/// <summary>
/// A model's answer is not the JSON the step's <c>output_schema</c> asks for. An <see cref="InvalidOperationException"/>,
/// as it was before it had a type of its own, so the engine retries it as before.
/// </summary>
public sealed class AnswerNotJsonException : InvalidOperationException, Frugal.Telemetry.IRedactableFailure
{
    private const string What = "the model's answer is not the JSON the step's output_schema asks for";

    /// <summary>Creates the exception.</summary>
    /// <param name="reason">Why the answer is not that JSON; it may quote the answer.</param>
    public AnswerNotJsonException(string reason)
        : base($"{What}: {reason}")
    {
    }

    /// <summary>What failed without the reason, which may quote the answer (<see cref="Frugal.Telemetry.TenantTextPolicy"/>).</summary>
    public string RedactedMessage => What + " (the reason is left out: it may quote the answer)";
}
