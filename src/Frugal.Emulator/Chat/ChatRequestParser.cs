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

        var deployment = routeDeployment ?? ReadString(root, "model")
            ?? throw new EmulatorRequestException("'model' is required: it names the deployment to call.", "model");

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

    private static PromptMessage ParseMessage(JsonNode? node, int index)
    {
        var where = $"messages[{index}]";
        if (node is not JsonObject message)
        {
            throw new EmulatorRequestException($"'{where}' must be an object with 'role' and 'content'.", where);
        }

        var role = ReadString(message, "role")
            ?? throw new EmulatorRequestException($"'{where}.role' is required.", $"{where}.role");
        var name = ReadString(message, "name");
        var content = message["content"];
        string text;
        switch (content)
        {
            case null:
                text = string.Empty;
                break;
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

                return (ResponseFormatKind.JsonSchema, schema);
            case var other:
                throw new EmulatorRequestException(
                    $"'response_format.type' must be 'text', 'json_object' or 'json_schema' (was '{other}').",
                    "response_format.type");
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
