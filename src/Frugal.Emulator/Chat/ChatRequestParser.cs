using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Frugal.Emulator.Protocol;

namespace Frugal.Emulator.Chat;

/// <summary>
/// Reads an OpenAI chat completion body. Parsed as a <see cref="JsonNode"/> rather than bound to classes because
/// the wire format is loose (content as a string or an array of parts, two spellings of the token limit) and a
/// refused request must say which field was wrong.
/// </summary>
internal static class ChatRequestParser
{
    public static ChatRequest Parse(JsonNode? body, string? routeDeployment)
    {
        if (body is not JsonObject root)
        {
            throw new EmulatorRequestException("The request body must be a JSON object.");
        }

        if (routeDeployment is null && root["model"] is { } model && model.GetValueKind() != JsonValueKind.String)
        {
            throw new EmulatorRequestException($"'model' must be a string naming the deployment, not {model.GetValueKind().ToString().ToLowerInvariant()}.", "model");
        }

        var deployment = routeDeployment ?? ReadString(root, "model")
            ?? throw new EmulatorRequestException("'model' is required: it names the deployment to call.", "model");

        // What OpenAI refuses, the emulator refuses too, so a client bug shows here rather than in production.
        if (root["n"] is { } n && !(n is JsonValue one && one.TryGetValue<int>(out var count) && count == 1))
        {
            throw new EmulatorRequestException("'n' must be 1: the emulator gives one answer per request.", "n");
        }

        if (root["temperature"] is { } temperature
            && !(temperature is JsonValue t && t.GetValueKind() == JsonValueKind.Number && t.GetValue<double>() is >= 0 and <= 2))
        {
            throw new EmulatorRequestException($"'temperature' must be a number from 0 to 2, not {temperature.ToJsonString()}.", "temperature");
        }

        if (root["messages"] is not JsonArray messages || messages.Count == 0)
        {
            throw new EmulatorRequestException("'messages' is required and must be a non-empty array.", "messages");
        }

        var prompt = new List<PromptMessage>(messages.Count);
        for (var i = 0; i < messages.Count; i++)
        {
            prompt.Add(ParseMessage(messages[i], i));
        }

        var maxTokens = ReadPositiveInt(root, "max_completion_tokens") ?? ReadPositiveInt(root, "max_tokens");
        var (format, schema) = ParseResponseFormat(root["response_format"]);
        var stream = ReadBool(root, "stream");
        var includeUsage = root["stream_options"] is JsonObject streamOptions && ReadBool(streamOptions, "include_usage");

        return new ChatRequest(deployment, prompt, maxTokens, format, schema, stream, includeUsage);
    }

    private static readonly string[] Roles = ["system", "developer", "user", "assistant", "tool"];

    private static PromptMessage ParseMessage(JsonNode? node, int index)
    {
        var where = $"messages[{index}]";
        if (node is not JsonObject message)
        {
            throw new EmulatorRequestException($"'{where}' must be an object with 'role' and 'content'.", where);
        }

        var role = ReadString(message, "role")
            ?? throw new EmulatorRequestException($"'{where}.role' is required.", $"{where}.role");
        if (!Roles.Contains(role))
        {
            throw new EmulatorRequestException($"'{where}.role' must be one of {string.Join(", ", Roles)}, not '{role}'.", $"{where}.role");
        }

        var name = ReadString(message, "name");
        var content = message["content"];
        string text;
        switch (content)
        {
            case null when role == "assistant":
                // An assistant turn that only called tools has no content.
                text = string.Empty;
                break;
            case null:
                throw new EmulatorRequestException($"'{where}.content' is required in a {role} message.", $"{where}.content");
            case JsonValue value when value.TryGetValue<string>(out var s):
                text = s;
                break;
            case JsonArray parts:
                var builder = new StringBuilder();
                foreach (var part in parts)
                {
                    if (part is JsonObject partObject && ReadString(partObject, "text") is { } partText)
                    {
                        builder.Append(partText);
                    }
                }

                text = builder.ToString();
                break;
            default:
                throw new EmulatorRequestException(
                    $"'{where}.content' must be a string or an array of content parts.", $"{where}.content");
        }

        return new PromptMessage(role, name, text);
    }

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
                return (ResponseFormatKind.JsonSchema, schema);
            case var other:
                throw new EmulatorRequestException(
                    $"'response_format.type' must be 'text', 'json_object' or 'json_schema' (was '{other}').",
                    "response_format.type");
        }
    }

    /// <summary>
    /// Refuses a schema that is not one (a keyword of the wrong type: <c>"type": 7</c>, <c>"required": [5]</c>) with a
    /// 400, as OpenAI does. It reached the answer's generator, which failed with a 500, and a client takes a 500 for a
    /// failing deployment: it retried, and Frugal's fallback deployment took over.
    /// </summary>
    private static void CheckSchema(JsonObject schema)
    {
        try
        {
            _ = Json.Schema.JsonSchema.Build(JsonSerializer.SerializeToElement(schema), new Json.Schema.BuildOptions { SchemaRegistry = new Json.Schema.SchemaRegistry() });
        }
        catch (Exception ex) when (ex is JsonException or Json.Schema.JsonSchemaException or ArgumentException or InvalidOperationException or FormatException)
        {
            throw new EmulatorRequestException(
                $"Invalid schema for response_format: {ex.Message}", "response_format.json_schema.schema");
        }
    }

    private static string? ReadString(JsonObject node, string property) =>
        node[property] is JsonValue value && value.TryGetValue<string>(out var s) ? s : null;

    private static bool ReadBool(JsonObject node, string property) =>
        node[property] is JsonValue value && value.GetValueKind() == JsonValueKind.True;

    private static int? ReadPositiveInt(JsonObject node, string property)
    {
        var value = node[property];
        if (value is null)
        {
            return null;
        }

        if (value is JsonValue number && number.GetValueKind() == JsonValueKind.Number
            && number.TryGetValue<int>(out var n) && n >= 1)
        {
            return n;
        }

        throw new EmulatorRequestException($"'{property}' must be a whole number of 1 or more (was {value.ToJsonString()}).", property);
    }
}
