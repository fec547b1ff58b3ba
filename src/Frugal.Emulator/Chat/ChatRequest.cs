using System.Text.Json.Nodes;

namespace Frugal.Emulator.Chat;

/// <summary>The parts of a chat completion request the emulator uses.</summary>
internal sealed record ChatRequest(
    string Deployment,
    IReadOnlyList<PromptMessage> Messages,
    long? MaxTokens,
    ResponseFormatKind ResponseFormat,
    JsonNode? Schema,
    bool Stream,
    bool IncludeUsage,
    IReadOnlyList<string>? Stop = null,
    int Choices = 1,
    int? TopLogprobs = null)
{
    /// <summary>The field <see cref="MaxTokens"/> came in: <c>max_tokens</c> or <c>max_completion_tokens</c>.</summary>
    public string MaxTokensParam { get; init; } = "max_tokens";
}

internal sealed record PromptMessage(string Role, string? Name, string Text, IReadOnlyList<ImageInput>? Images = null);

internal enum ResponseFormatKind
{
    Text,
    JsonObject,
    JsonSchema,
}
