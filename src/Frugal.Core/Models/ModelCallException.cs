using System.ClientModel;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Frugal.Engine;
using Frugal.Resilience;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Frugal.Models;

/// <summary>
/// A hosted model did not answer: said in the workflow's terms (which tier, which HTTP outcomes, when an open circuit
/// lets calls through again) instead of the client library's "Service request failed." or Polly's "The circuit is
/// now open and is not allowing calls.". Transient, so the engine tries the step again.
/// </summary>
public sealed class ModelCallException : Exception, Frugal.Telemetry.IRedactableFailure
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
    public ModelCallException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    public ModelCallException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>
    /// True when the service answered with an error or the call was never sent (an open circuit): nothing was billed.
    /// False when no answer came (a timeout, a dropped connection): the service may have billed work Frugal never saw.
    /// </summary>
    public bool NothingBilled { get; init; }

    /// <summary>
    /// What to throw for <paramref name="ex"/>, raised by the <paramref name="tier"/> model's client after
    /// <paramref name="attempts"/>; null when it is not a failure to reach the model (a refused budget, a cancelled
    /// call), which then goes up as it is. A client error (HTTP 4xx other than 408 and 429: a missing deployment, a
    /// wrong key, a request the service rejects) fails the same way every time, so it is bad input, not retried; so is a
    /// prompt the content filter refuses, a <see cref="ContentFilteredException"/> naming the deployment
    /// <paramref name="deploymentOf"/> gives for the client (<c>cheap</c>, <c>premium</c>, <c>fallback</c>) that sent the last attempt.
    /// </summary>
    internal static Exception? From(string tier, IReadOnlyList<ModelAttempt> attempts, Exception ex, Func<string, string?>? deploymentOf = null)
    {
        var tried = attempts.Count == 0 ? string.Empty
            : $" after {attempts.Count} attempt(s) ({string.Join(", ", attempts.Select(a => a.Tier == tier ? a.Outcome : $"{a.Tier} {a.Outcome}"))})";
        return ex switch
        {
            BrokenCircuitException open => new ModelCircuitOpenException(
                $"the {tier} model's circuit is open{tried}: its deployment failed repeatedly, so calls are held back" +
                (open.RetryAfter is { } after ? string.Create(CultureInfo.InvariantCulture, $" for another {Math.Ceiling(after.TotalSeconds):0} s") : string.Empty),
                ex),
            // Every attempt answered with an error (429s, 5xx): none was
            // in flight when time ran out, so nothing was billed. An attempt cut off (logged as a timeout) may have been.
            TimeoutRejectedException timeout => new ModelCallException(string.Create(CultureInfo.InvariantCulture, $"the {tier} model did not answer within {timeout.Timeout.TotalSeconds:0.#} s{tried}"), ex)
            {
                NothingBilled = NoneBilled(attempts),
            },
            ClientResultException { Status: 400 } refused when ContentFilteredException.Flagged(refused) is { } flagged => new ContentFilteredException(
                $"{ContentFilteredException.FilterOf(tier, Client(tier, attempts), deploymentOf?.Invoke(Client(tier, attempts)))} refused the prompt with HTTP 400{tried}{flagged}; " +
                "the same prompt is refused every time, so it is not tried again: change the prompt or the deployment's content filter",
                ex),
            ClientResultException { Status: >= 400 and < 500 and not 408 and not 429 } client =>
                new StepInputException($"the {tier} model refused the request with HTTP {client.Status}{tried}: {Detail(client)}", ex)
                {
                    RedactedMessage = $"the {tier} model refused the request with HTTP {client.Status}{tried}{Withheld}",
                },
            ClientResultException { Status: > 0 } server => new ModelCallException($"the {tier} model failed with HTTP {server.Status}{tried}: {Detail(server)}", ex)
            {
                NothingBilled = true,
                RedactedMessage = $"the {tier} model failed with HTTP {server.Status}{tried}{Withheld}",
            },
            // The Azure OpenAI client wraps a failure to connect in a ClientResultException without a status; read as a
            // call that got no answer, a deployment nobody could reach was recorded as possibly billed.
            ClientResultException { InnerException: HttpRequestException http } => Unreached(tier, tried, attempts, http, ex),
            ClientResultException noAnswer => new ModelCallException($"the {tier} model did not answer{tried}: {noAnswer.Message}", ex)
            {
                RedactedMessage = $"the {tier} model did not answer{tried}{Withheld}",
            },
            HttpRequestException http => Unreached(tier, tried, attempts, http, ex),
            _ => null,
        };
    }

    /// <summary>
    /// Said in place of the service's own words in a redacted message: an error body can quote the prompt (a 400 that
    /// names the bad value), and the client library's message carries the body.
    /// </summary>
    private const string Withheld = " (the service's message is left out: it may quote the prompt)";

    private static ModelCallException Unreached(string tier, string tried, IReadOnlyList<ModelAttempt> attempts, HttpRequestException http, Exception ex) => new(
        $"the {tier} model could not be reached{tried}: {http.Message}" + (http.StatusCode is { } code ? $" (HTTP {(int)code})" : string.Empty), ex)
    {
        NothingBilled = attempts.Count > 0 ? NoneBilled(attempts) : http.StatusCode is not null || ModelAttemptHandler.IsUnreachable(http),
    };

    /// <summary>
    /// Whether no attempt can have been billed: each answered with an error status or never reached the service. One cut
    /// off mid-answer (a timeout, a dropped connection) may have been.
    /// </summary>
    private static bool NoneBilled(IReadOnlyList<ModelAttempt> attempts) =>
        attempts.Count > 0 && attempts.All(a => a.Outcome.StartsWith("http-", StringComparison.Ordinal) || a.Outcome == ModelAttemptHandler.Unreachable);

    /// <summary>The client that sent the last attempt: the tier's own, or <c>fallback</c>.</summary>
    private static string Client(string tier, IReadOnlyList<ModelAttempt> attempts) => attempts.Count == 0 ? tier : attempts[^1].Tier;

    /// <summary>
    /// The service's own words: <c>error.message</c> of an OpenAI-style error body, else the body, else the client
    /// library's message (whose first line is only "Service request failed." or the status).
    /// </summary>
    private static string Detail(ClientResultException ex)
    {
        var body = ex.GetRawResponse()?.Content?.ToString();
        if (string.IsNullOrWhiteSpace(body))
        {
            return Truncate(ex.Message.ReplaceLineEndings(" ").Trim(), 300);
        }

        try
        {
            if (JsonNode.Parse(body)?["error"]?["message"] is JsonValue message && message.TryGetValue<string>(out var text) && text.Length > 0)
            {
                return Truncate(text, 300);
            }
        }
        catch (JsonException)
        {
            // Not JSON (a gateway's HTML page, plain text): the body as it is.
        }

        return Truncate(body.ReplaceLineEndings(" ").Trim(), 300);
    }

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length] + "...";
}
