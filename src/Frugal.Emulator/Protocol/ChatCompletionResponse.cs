using System.Text.Json.Serialization;

namespace Frugal.Emulator.Protocol;

internal sealed record ChatCompletionResponse(
    string Id,
    string Object,
    long Created,
    string Model,
    string SystemFingerprint,
    IReadOnlyList<ChatChoice> Choices,
    TokenUsage Usage);

internal sealed record ChatChoice(
    int Index,
    AssistantMessage Message,
    string FinishReason,
    IReadOnlyDictionary<string, ContentFilterResult>? ContentFilterResults = null,
    ChoiceLogprobs? Logprobs = null);

/// <summary>A choice's <c>logprobs</c>, when the request asked for them: one entry per output token.</summary>
internal sealed record ChoiceLogprobs(IReadOnlyList<TokenLogprob> Content);

internal sealed record TokenLogprob(string Token, double Logprob, IReadOnlyList<int> Bytes, IReadOnlyList<TopLogprob> TopLogprobs);

internal sealed record TopLogprob(string Token, double Logprob, IReadOnlyList<int> Bytes);

/// <summary>The answer; <see cref="Content"/> is left out when the content filter cut it, as Azure OpenAI leaves it out.</summary>
internal sealed record AssistantMessage(string Role, string? Content);

/// <summary>One category of Azure OpenAI's content filter annotations (<c>hate</c>, <c>self_harm</c>, <c>sexual</c>, <c>violence</c>).</summary>
internal sealed record ContentFilterResult(bool Filtered, string Severity);

/// <summary>Usage as the gpt-4o family reports it, details included (the emulator caches no prompts and does no
/// reasoning, so both are zero; a client reading them gets zeros, not nothing).</summary>
internal sealed record TokenUsage(int PromptTokens, int CompletionTokens, int TotalTokens, PromptTokensDetails PromptTokensDetails, CompletionTokensDetails CompletionTokensDetails);

internal sealed record PromptTokensDetails(int CachedTokens);

internal sealed record CompletionTokensDetails(int ReasoningTokens);

internal sealed record ChatCompletionChunk(
    string Id,
    string Object,
    long Created,
    string Model,
    string SystemFingerprint,
    IReadOnlyList<ChunkChoice> Choices,
    TokenUsage? Usage);

internal sealed record ChunkChoice(
    int Index,
    ChunkDelta Delta,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? FinishReason,
    IReadOnlyDictionary<string, ContentFilterResult>? ContentFilterResults = null,
    ChoiceLogprobs? Logprobs = null);

internal sealed record ChunkDelta(string? Role, string? Content);

internal sealed record ErrorResponse(ErrorBody Error);

/// <summary>
/// OpenAI's error body; <see cref="Param"/> and <see cref="Code"/> are written as <c>null</c> when no field is at fault or
/// the error has no code, as OpenAI writes them.
/// </summary>
internal sealed record ErrorBody(
    string Message,
    string? Type,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Param,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Code,
    int? Status = null,
    InnerError? Innererror = null);

/// <summary>Azure OpenAI's <c>innererror</c> of a prompt the content filter refused.</summary>
internal sealed record InnerError(string Code, IReadOnlyDictionary<string, ContentFilterResult> ContentFilterResult);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ChatCompletionResponse))]
[JsonSerializable(typeof(ChatCompletionChunk))]
[JsonSerializable(typeof(ErrorResponse))]
internal sealed partial class EmulatorJsonContext : JsonSerializerContext;
