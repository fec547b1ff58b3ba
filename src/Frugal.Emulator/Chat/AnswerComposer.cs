using System.Text.Json.Nodes;

namespace Frugal.Emulator.Chat;

/// <summary>Composes the emulator's deterministic answer for a chat request.</summary>
internal static class AnswerComposer
{
    /// <param name="request">The request.</param>
    /// <param name="correct">The quality verdict from labelled data, or <see langword="null"/> for none.</param>
    public static string Compose(ChatRequest request, bool? correct = null)
    {
        var digest = PromptDigest.From(request.Deployment, request.Messages);
        switch (request.ResponseFormat)
        {
            case ResponseFormatKind.JsonSchema:
                var instance = JsonSchemaInstanceGenerator.Generate(request.Schema!, digest);
                if (correct is { } verdict && instance is JsonObject structured && DeclaresCorrect(request.Schema))
                {
                    structured["correct"] = verdict;
                }

                return instance.ToJsonString();
            case ResponseFormatKind.JsonObject:
                var answer = new JsonObject
                {
                    ["answer"] = digest.FirstSentence,
                    ["keywords"] = new JsonArray([.. digest.Keywords.Select(k => (JsonNode)k)]),
                };
                if (correct is { } judged)
                {
                    answer["correct"] = judged;
                }

                return answer.ToJsonString();
            default:
                var mark = correct switch { true => "CORRECT: ", false => "WRONG: ", null => "" };
                var text = $"{mark}[{request.Deployment}] {(digest.FirstSentence.Length == 0 ? "(empty prompt)" : digest.FirstSentence)}";
                return digest.Keywords.Count == 0 ? text : $"{text} Key points: {string.Join(", ", digest.Keywords)}.";
        }
    }

    private static bool DeclaresCorrect(JsonNode? schema) =>
        schema?["properties"]?["correct"]?["type"] is JsonValue type && type.TryGetValue<string>(out var name) && name == "boolean";
}
