using System.ClientModel;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Frugal.Models;

/// <summary>
/// A deployment's content filter refused the prompt or cut the answer. Azure OpenAI refuses a prompt it flags with
/// HTTP 400 and error code <c>content_filter</c>, and sends a completion it flags with <c>finish_reason: content_filter</c>
/// and its content cut or empty, which Microsoft.Extensions.AI reads as <c>ChatFinishReason.ContentFilter</c>
/// (https://learn.microsoft.com/azure/ai-foundry/openai/concepts/content-filter#scenario-details). The same prompt meets
/// the same filter, so the step is not tried again. Its own type, not a bad input that costs nothing: Azure OpenAI bills
/// a refused prompt too, without saying for how many tokens
/// (https://learn.microsoft.com/azure/ai-foundry/openai/concepts/content-streaming), so its cost record is unpriced.
/// </summary>
public sealed class ContentFilteredException : Exception, Frugal.Telemetry.IRedactableFailure
{
    /// <summary>The message, which quotes none of the tenant's text (it names limits, settings and deployments).</summary>
    public string RedactedMessage => Message;

    /// <summary>Creates the exception.</summary>
    public ContentFilteredException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    public ContentFilteredException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>Whose filter it was: <c>the content filter of deployment 'gpt-4o-mini' (the cheap model)</c>.</summary>
    /// <param name="tier">The tier whose call it was.</param>
    /// <param name="client">The client that sent it: a tier's own (cheap, for a premium call a budget downgraded), or <c>fallback</c>.</param>
    /// <param name="deployment">The deployment that client calls, when known.</param>
    internal static string FilterOf(string tier, string client, string? deployment)
    {
        var whose = client == ModelTierKeys.Fallback ? $"the {tier} model's fallback" : $"the {client} model";
        return deployment is null ? $"the content filter of {whose} deployment" : $"the content filter of deployment '{deployment}' ({whose})";
    }

    /// <summary>
    /// What the filter flagged in a prompt it refused (<c>, flagging violence (medium)</c>; empty when the body does not
    /// say), or null when <paramref name="ex"/> is not a content filter's refusal.
    /// </summary>
    internal static string? Flagged(ClientResultException ex)
    {
        JsonNode? error;
        try
        {
            error = ex.Status == 400 && ex.GetRawResponse()?.Content?.ToString() is { Length: > 0 } body ? JsonNode.Parse(body)?["error"] : null;
        }
        catch (JsonException)
        {
            return null;
        }

        if (error?["code"] is not JsonValue code || !code.TryGetValue<string>(out var name) || name != "content_filter")
        {
            return null;
        }

        // The service writes content_filter_result (the blocklists page's example); the annotations page writes content_filter_results.
        var results = error["innererror"]?["content_filter_result"] ?? error["innererror"]?["content_filter_results"];
        List<string> flagged = [];
        foreach (var (category, result) in results as JsonObject ?? [])
        {
            if (result is JsonArray blocklists)
            {
                flagged.AddRange(blocklists.Where(IsFiltered).Select(b => $"blocklist '{b?["id"]}'"));
            }
            else if (IsFiltered(result))
            {
                flagged.Add(result?["severity"] is JsonValue severity ? $"{category} ({severity})" : category);
            }
        }

        return flagged.Count == 0 ? string.Empty : ", flagging " + string.Join(", ", flagged);
    }

    private static bool IsFiltered(JsonNode? result) => result?["filtered"] is JsonValue filtered && filtered.TryGetValue<bool>(out var value) && value;
}
