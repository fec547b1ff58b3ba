using System.Text.Json.Nodes;

namespace Frugal.Emulator.Protocol;

/// <summary>
/// The top-level fields OpenAI and Azure OpenAI take in a request body, and their refusal of any other
/// (400 "Unrecognized request argument supplied: name"). Accepted silently, a misspelt field (<c>max_token</c>) or
/// one only another provider takes passed a team's tests and was a 400 in production.
/// </summary>
internal static class RequestFields
{
    /// <summary>What OpenAI's chat completions API documents, which Azure OpenAI takes too.</summary>
    private static readonly HashSet<string> Chat = new(StringComparer.Ordinal)
    {
        "audio", "frequency_penalty", "function_call", "functions", "logit_bias", "logprobs", "max_completion_tokens",
        "max_tokens", "messages", "metadata", "modalities", "model", "n", "parallel_tool_calls", "prediction",
        "presence_penalty", "prompt_cache_key", "prompt_cache_retention", "reasoning_effort", "response_format",
        "safety_identifier", "seed", "service_tier", "stop", "store", "stream", "stream_options", "temperature",
        "tool_choice", "tools", "top_logprobs", "top_p", "user", "verbosity", "web_search_options",
    };

    /// <summary>Azure OpenAI's own chat fields (On Your Data, Defender for Cloud's user context), on its routes only.</summary>
    private static readonly HashSet<string> AzureChat = new(StringComparer.Ordinal) { "data_sources", "user_security_context" };

    private static readonly HashSet<string> Embeddings = new(StringComparer.Ordinal) { "dimensions", "encoding_format", "input", "model", "user" };

    /// <summary>Azure OpenAI's own embeddings field, on its routes only.</summary>
    private static readonly HashSet<string> AzureEmbeddings = new(StringComparer.Ordinal) { "input_type" };

    /// <summary>Refuses a chat completion body with a field the service does not take.</summary>
    /// <param name="body">The request body.</param>
    /// <param name="azure">Whether it came on an Azure OpenAI deployment route.</param>
    public static void CheckChat(JsonObject body, bool azure) => Check(body, Chat, azure ? AzureChat : null);

    /// <summary>Refuses an embeddings body with a field the service does not take.</summary>
    /// <param name="body">The request body.</param>
    /// <param name="azure">Whether it came on an Azure OpenAI deployment route.</param>
    public static void CheckEmbeddings(JsonObject body, bool azure) => Check(body, Embeddings, azure ? AzureEmbeddings : null);

    private static void Check(JsonObject body, HashSet<string> known, HashSet<string>? alsoKnown)
    {
        var unknown = body.Select(p => p.Key).Where(k => !known.Contains(k) && alsoKnown?.Contains(k) != true).ToList();
        switch (unknown.Count)
        {
            case 0:
                return;
            case 1:
                throw new EmulatorRequestException($"Unrecognized request argument supplied: {unknown[0]}");
            default:
                throw new EmulatorRequestException($"Unrecognized request arguments supplied: {string.Join(", ", unknown)}");
        }
    }
}
