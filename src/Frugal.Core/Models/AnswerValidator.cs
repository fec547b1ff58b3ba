using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Frugal.Engine;
using Frugal.Workflows;
using Json.Schema;

namespace Frugal.Models;

/// <summary>Decides whether a model's answer is valid for its step: schema, required fields, refusals, confidence.</summary>
public static partial class AnswerValidator
{
    private static readonly ConcurrentDictionary<string, JsonSchema> Schemas = new(StringComparer.Ordinal);

    /// <summary>Why the answer is invalid, or null when it is valid.</summary>
    /// <param name="call">The call, with its schema and validation.</param>
    /// <param name="text">The answer's text.</param>
    /// <param name="json">The answer parsed as JSON, when the call asked for JSON and it parsed.</param>
    public static string? Check(ModelCall call, string text, JsonNode? json)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(text);
        if (call.OutputSchema is { } schemaNode)
        {
            if (json is null)
            {
                return "the answer is not the JSON the step's output_schema asks for";
            }

            var schema = Schemas.GetOrAdd(schemaNode.ToJsonString(), static (_, node) => SchemaValidation.Build(node), schemaNode);
            var violations = SchemaValidation.Validate(schema, schemaNode, json, json: true);
            if (violations.Count > 0)
            {
                var where = violations[0].Pointer.Length > 0 ? violations[0].Pointer : "/";
                return $"the answer does not match output_schema at {where}: {violations[0].Message}";
            }
        }

        if (call.Validation is not { } validation)
        {
            return null;
        }

        foreach (var field in validation.RequiredFields)
        {
            var value = json is JsonObject obj && obj.TryGetPropertyValue(field, out var v) ? v : null;
            if (value is null || (value is JsonValue s && s.TryGetValue<string>(out var str) && string.IsNullOrWhiteSpace(str)))
            {
                return $"the answer lacks the required field '{field}'";
            }
        }

        if (validation.DetectRefusal && RefusalRegex().IsMatch(json is JsonObject o ? string.Join(' ', o.Select(p => p.Value?.ToString())) : text))
        {
            return "the answer is a refusal";
        }

        if (validation.MinConfidence is { } floor)
        {
            var confidence = Confidence(text, json);
            if (confidence is null)
            {
                return "the answer reports no confidence (a 'confidence' field or 'Confidence: 0.8')";
            }

            if (confidence is < 0 or > 1)
            {
                return string.Create(CultureInfo.InvariantCulture, $"the answer's confidence {confidence:0.##} is not between 0 and 1 (or a percentage)");
            }

            if (confidence < floor)
            {
                return string.Create(CultureInfo.InvariantCulture, $"the answer's confidence {confidence:0.##} is below {floor:0.##}");
            }
        }

        return null;
    }

    private static double? Confidence(string text, JsonNode? json)
    {
        if (json is JsonObject obj && obj["confidence"] is JsonValue value && value.TryGetValue<double>(out var number))
        {
            // A percentage (67) read as far above any floor, as the text form already reads it: 0.67.
            return number > 1 && number <= 100 ? number / 100 : number;
        }

        var match = ConfidenceRegex().Match(text);
        return match.Success && double.TryParse(match.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed)
            ? (parsed > 1 ? parsed / 100 : parsed)
            : null;
    }

    [GeneratedRegex(@"\b(I'?m sorry,? but I (can(no|')t|am unable)|I (can(no|')t|am unable to|won'?t) (help|assist|provide|answer|comply)|as an AI( language model)?,? I)", RegexOptions.IgnoreCase | RegexOptions.NonBacktracking)]
    private static partial Regex RefusalRegex();

    // Answers are model output, which a prompt can steer: linear in their length whatever they hold.
    [GeneratedRegex(@"confidence\s*[:=]\s*([0-9]*\.?[0-9]+)\s*%?", RegexOptions.IgnoreCase | RegexOptions.NonBacktracking)]
    private static partial Regex ConfidenceRegex();
}
