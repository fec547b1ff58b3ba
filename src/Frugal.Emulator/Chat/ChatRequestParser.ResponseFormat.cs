using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Frugal.Emulator.Protocol;

namespace Frugal.Emulator.Chat;

/// <summary>The <c>response_format</c> part of <see cref="ChatRequestParser"/>: the format, its JSON Schema, and Structured
/// Outputs' rules for a <c>strict</c> schema.</summary>
internal static partial class ChatRequestParser
{
    private static (ResponseFormatKind Kind, JsonNode? Schema) ParseResponseFormat(JsonNode? node)
    {
        if (node is null)
        {
            return (ResponseFormatKind.Text, null);
        }

        if (node is not JsonObject format)
        {
            throw new EmulatorRequestException("'response_format' must be an object with a 'type'.", "response_format");
        }

        switch (ReadString(format, "type"))
        {
            case null or "text":
                return (ResponseFormatKind.Text, null);
            case "json_object":
                return (ResponseFormatKind.JsonObject, null);
            case "json_schema":
                if (format["json_schema"] is not JsonObject jsonSchema || jsonSchema["schema"] is not JsonObject schema)
                {
                    throw new EmulatorRequestException(
                        "'response_format.json_schema.schema' is required when 'response_format.type' is 'json_schema'.",
                        "response_format.json_schema.schema");
                }

                CheckSchema(schema);
                if (ReadBool(jsonSchema, "strict", "response_format.json_schema.strict"))
                {
                    CheckStrictSchema(schema, ReadString(jsonSchema, "name") ?? string.Empty, []);
                }

                return (ResponseFormatKind.JsonSchema, schema);
            case var other:
                throw new EmulatorRequestException(
                    $"'response_format.type' must be 'text', 'json_object' or 'json_schema' (was '{other}').",
                    "response_format.type");
        }
    }

    /// <summary>
    /// Refuses a schema whose keywords have the wrong kind of value (<c>"type": 7</c>, <c>"required": [5]</c>) with a
    /// 400 naming where, as OpenAI does. Such a schema reached the answer's generator, which failed with a 500, and a
    /// client takes a 500 for a failing deployment: it retried, and Frugal's fallback deployment took over. Checked by
    /// hand rather than by building it with JsonSchema.Net, which also refuses keywords it does not know
    /// (<c>definitions</c>, <c>nullable</c>, <c>example</c>) that OpenAI accepts and client libraries write.
    /// </summary>
    private static void CheckSchema(JsonNode? schema, string path = "response_format.json_schema.schema")
    {
        if (schema is JsonValue boolean && boolean.GetValueKind() is JsonValueKind.True or JsonValueKind.False)
        {
            return;
        }

        if (schema is not JsonObject node)
        {
            throw Invalid(path, "a schema must be an object or a boolean");
        }

        foreach (var (keyword, value) in node)
        {
            var at = $"{path}.{keyword}";
            switch (keyword)
            {
                case "type" when !(IsString(value) || value is JsonArray types && types.All(IsString)):
                    throw Invalid(at, "must be a string or an array of strings");
                case "required" when !(value is JsonArray names && names.All(IsString)):
                    throw Invalid(at, "must be an array of strings");
                case "$ref" or "pattern" or "format" when !IsString(value):
                    throw Invalid(at, "must be a string");
                case "enum" when value is not JsonArray:
                    throw Invalid(at, "must be an array");
                case "minimum" or "maximum" or "exclusiveMinimum" or "exclusiveMaximum" or "multipleOf"
                    or "minLength" or "maxLength" or "minItems" or "maxItems" or "minProperties" or "maxProperties"
                    when value?.GetValueKind() != JsonValueKind.Number:
                    throw Invalid(at, "must be a number");
                case "properties" or "$defs" or "definitions" or "patternProperties":
                    if (value is not JsonObject members)
                    {
                        throw Invalid(at, "must be an object of schemas");
                    }

                    foreach (var (name, member) in members)
                    {
                        CheckSchema(member, $"{at}.{name}");
                    }

                    break;
                case "items" or "additionalProperties" or "contains" or "not" or "if" or "then" or "else" when value is not JsonArray:
                    CheckSchema(value, at);
                    break;
                case "anyOf" or "oneOf" or "allOf" or "prefixItems" or "items":
                    if (value is not JsonArray branches)
                    {
                        throw Invalid(at, "must be an array of schemas");
                    }

                    for (var i = 0; i < branches.Count; i++)
                    {
                        CheckSchema(branches[i], $"{at}[{i}]");
                    }

                    break;
            }
        }

        static bool IsString(JsonNode? value) => value is JsonValue v && v.GetValueKind() == JsonValueKind.String;

        static EmulatorRequestException Invalid(string at, string what) =>
            new($"Invalid schema for response_format: '{at}' {what}.", "response_format.json_schema.schema");
    }

    /// <summary>
    /// Refuses a <c>strict</c> schema that Structured Outputs does not take, as OpenAI does: every object must set
    /// <c>additionalProperties: false</c> and list all its properties in <c>required</c>. Accepted here, a team's
    /// strict schema passed its tests and was a 400 against the service.
    /// </summary>
    private static void CheckStrictSchema(JsonNode? schema, string name, List<string> context)
    {
        if (schema is not JsonObject node)
        {
            return;
        }

        var isObject = node["properties"] is JsonObject
            || node["type"] is JsonValue type && type.TryGetValue<string>(out var kind) && kind == "object";
        if (isObject)
        {
            if (node["additionalProperties"] is not JsonValue additional || additional.GetValueKind() != JsonValueKind.False)
            {
                throw Invalid("'additionalProperties' is required to be supplied and to be false.");
            }

            var properties = node["properties"] as JsonObject ?? [];
            var required = node["required"] as JsonArray ?? [];
            var missing = properties.Select(p => p.Key)
                .FirstOrDefault(key => !required.Any(r => r is JsonValue v && v.TryGetValue<string>(out var s) && s == key));
            if (missing is not null)
            {
                throw Invalid($"'required' is required to be supplied and to be an array including every key in properties. Missing '{missing}'.");
            }
        }

        foreach (var (keyword, value) in node)
        {
            switch (value)
            {
                case JsonObject members when keyword is "properties" or "$defs" or "definitions":
                    foreach (var (member, memberSchema) in members)
                    {
                        CheckStrictSchema(memberSchema, name, [.. context, keyword, member]);
                    }

                    break;
                case JsonObject child when keyword is "items" or "additionalProperties":
                    CheckStrictSchema(child, name, [.. context, keyword]);
                    break;
                case JsonArray branches when keyword is "anyOf" or "allOf" or "oneOf" or "prefixItems":
                    for (var i = 0; i < branches.Count; i++)
                    {
                        CheckStrictSchema(branches[i], name, [.. context, keyword, i.ToString(CultureInfo.InvariantCulture)]);
                    }

                    break;
            }
        }

        EmulatorRequestException Invalid(string what) => new(
            $"Invalid schema for response_format '{name}': In context=({string.Join(", ", context.Select(c => $"'{c}'"))}), {what}",
            "response_format");
    }
}
