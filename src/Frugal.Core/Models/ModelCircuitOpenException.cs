using System.Globalization;
using System.Text.RegularExpressions;

namespace Frugal.Models;

/// <summary>
/// A model call held back by an open circuit: nothing was sent, so nothing was billed. Its own type so that the
/// engine waits out a circuit's break before trying the step again, instead of its usual 1 s and 2 s, which both
/// fell inside the default 15 s break and failed the step without a call being made.
/// </summary>
public sealed partial class ModelCircuitOpenException : Exception, Frugal.Telemetry.IRedactableFailure
{
    /// <summary>The message, which quotes none of the tenant's text (it names limits, settings and deployments).</summary>
    public string RedactedMessage => Message;

    /// <summary>Creates the exception.</summary>
    public ModelCircuitOpenException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    public ModelCircuitOpenException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>
    /// How long the circuit stays open, as its message says (<c>held back for another 12 s</c>, written by
    /// <see cref="ModelCallException"/>), or null when it does not say. Read from the message because that is what a
    /// failed activity carries back to the orchestrator, in its history, where a configured break other than the default
    /// 15 s must be waited out too (a longer one failed the step on retries that all met the circuit still open).
    /// </summary>
    /// <param name="message">The failure's message.</param>
    /// <returns>The time left, or null.</returns>
    public static TimeSpan? BreakLeftIn(string? message) =>
        message is not null && BreakLeftRegex().Match(message) is { Success: true } match
        && int.TryParse(match.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? TimeSpan.FromSeconds(seconds)
            : null;

    [GeneratedRegex(@"held back for another (\d{1,9}) s")]
    private static partial Regex BreakLeftRegex();
}
