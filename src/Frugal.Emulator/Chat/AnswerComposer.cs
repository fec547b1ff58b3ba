using System.Text.Json.Nodes;

namespace Frugal.Emulator.Chat;

/// <summary>Composes the emulator's deterministic answer for a chat request.</summary>
internal static class AnswerComposer
{
    public static string Compose(ChatRequest request)
    {
        var digest = PromptDigest.From(request.Deployment, request.Messages);
        switch (request.ResponseFormat)
        {
            case ResponseFormatKind.JsonSchema:
                return JsonSchemaInstanceGenerator.Generate(request.Schema!, digest).ToJsonString();
            case ResponseFormatKind.JsonObject:
                var answer = new JsonObject
                {
                    ["answer"] = digest.FirstSentence,
                    ["keywords"] = new JsonArray([.. digest.Keywords.Select(k => (JsonNode)k)]),
                };
                return answer.ToJsonString();
            default:
                var text = $"[{request.Deployment}] {(digest.FirstSentence.Length == 0 ? "(empty prompt)" : digest.FirstSentence)}";
                return digest.Keywords.Count == 0 ? text : $"{text} Key points: {string.Join(", ", digest.Keywords)}.";
        }
    }
}
