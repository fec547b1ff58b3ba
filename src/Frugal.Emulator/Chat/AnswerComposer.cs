using System.Globalization;
using System.Text.Json.Nodes;
using Frugal.Expressions;

namespace Frugal.Emulator.Chat;

/// <summary>Composes the emulator's deterministic answer for a chat request.</summary>
internal static class AnswerComposer
{
    /// <param name="request">The request.</param>
    /// <param name="correct">The quality verdict from labelled data, or <see langword="null"/> for none.</param>
    /// <param name="choice">
    /// Which of the request's <c>n</c> choices: 0 is the answer a request for one gets; each other index gives an
    /// answer of its own (a structured one drawn from a seed of its index, a text one marked with it), so a client
    /// that picks among choices has different ones to pick from, as the service's sampling gives.
    /// </param>
    public static string Compose(ChatRequest request, bool? correct = null, int choice = 0)
    {
        var digest = PromptDigest.From(request.Deployment, request.Messages);
        if (choice > 0)
        {
            digest = digest with { Seed = DeterministicRandom.Hash(digest.Seed.ToString(CultureInfo.InvariantCulture), "choice", choice.ToString(CultureInfo.InvariantCulture)) };
        }

        switch (request.ResponseFormat)
        {
            case ResponseFormatKind.JsonSchema:
                var instance = JsonSchemaInstanceGenerator.Generate(request.Schema!, digest);
                if (correct is { } verdict && instance is JsonObject structured && DeclaresCorrect(request.Schema))
                {
                    structured["correct"] = verdict;
                }

                return JsonText.Write(instance); // as the service writes it: non-ASCII as itself, not escaped
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

                if (choice > 0)
                {
                    answer["alternative"] = choice;
                }

                return JsonText.Write(answer);
            default:
                var mark = correct switch { true => "CORRECT: ", false => "WRONG: ", null => "" };
                var text = $"{mark}[{request.Deployment}] {(digest.FirstSentence.Length == 0 ? "(empty prompt)" : digest.FirstSentence)}";
                text = digest.Keywords.Count == 0 ? text : $"{text} Key points: {string.Join(", ", digest.Keywords)}.";
                return choice == 0 ? text : $"{text} (Alternative {choice.ToString(CultureInfo.InvariantCulture)}.)";
        }
    }

    private static bool DeclaresCorrect(JsonNode? schema) =>
        schema?["properties"]?["correct"]?["type"] is JsonValue type && type.TryGetValue<string>(out var name) && name == "boolean";
}
