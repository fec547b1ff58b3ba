using System.Globalization;
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
internal static partial class ChatRequestParser
{
    public static ChatRequest Parse(JsonNode? body, string? routeDeployment)
    {
        if (body is not JsonObject root)
        {
            throw new EmulatorRequestException("The request body must be a JSON object.");
        }

        RequestFields.CheckChat(root, azure: routeDeployment is not null);
        if (routeDeployment is null && root["model"] is { } model && model.GetValueKind() != JsonValueKind.String)
        {
            throw new EmulatorRequestException($"Invalid type for 'model': expected a string naming the deployment, but got {KindOf(model)} instead.", "model");
        }

        var deployment = routeDeployment ?? ReadString(root, "model")
            ?? throw new EmulatorRequestException("'model' is required: it names the deployment to call.", "model");

        // What OpenAI refuses, the emulator refuses too, so a client bug shows here rather than in production.
        var choices = ReadChoiceCount(root["n"]);
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

        var maxCompletionTokens = ReadPositiveInt(root, "max_completion_tokens");
        var maxTokens = ReadPositiveInt(root, "max_tokens");
        if (maxTokens is not null && maxCompletionTokens is not null)
        {
            // OpenAI's own refusal; taken here (the newer field winning), a client setting both passed and failed live.
            throw new EmulatorRequestException("Setting 'max_tokens' and 'max_completion_tokens' at the same time is not supported.", "max_tokens");
        }

        var (format, schema) = ParseResponseFormat(root["response_format"]);
        if (format == ResponseFormatKind.JsonObject && !prompt.Any(m => m.Text.Contains("json", StringComparison.OrdinalIgnoreCase)))
        {
            // OpenAI's own refusal (JSON mode needs the prompt to ask for JSON); answered here, it failed first in production.
            throw new EmulatorRequestException(
                "'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.", "messages");
        }

        var stream = ReadBool(root, "stream");
        if (!stream && root["stream_options"] is not null)
        {
            // OpenAI's own refusal; accepted here, a client sending it on every call passed its tests and failed live.
            throw new EmulatorRequestException("The 'stream_options' parameter is only allowed when 'stream' is enabled.", "stream_options");
        }

        var includeUsage = root["stream_options"] is JsonObject streamOptions && ReadBool(streamOptions, "include_usage", "stream_options.include_usage");

        return new ChatRequest(deployment, prompt, maxCompletionTokens ?? maxTokens, format, schema, stream, includeUsage, ReadStop(root["stop"]), choices, ReadLogprobs(root))
        {
            MaxTokensParam = maxCompletionTokens is null ? "max_tokens" : "max_completion_tokens",
        };
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

        if (role == "tool" && ReadString(message, "tool_call_id") is null)
        {
            // OpenAI's own refusal: a tool message answers one call, which it names.
            throw new EmulatorRequestException($"Missing required parameter: '{where}.tool_call_id'.", $"{where}.tool_call_id");
        }

        var name = ReadString(message, "name");
        var content = message["content"];
        string text;
        List<ImageInput>? images = null;
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
                // What OpenAI refuses in content parts, with its messages: an empty array, a text part without text.
                if (parts.Count == 0)
                {
                    throw new EmulatorRequestException(
                        $"Invalid '{where}.content': empty array. Expected an array with minimum length 1, but got an empty array instead.",
                        $"{where}.content");
                }

                var builder = new StringBuilder();
                for (var p = 0; p < parts.Count; p++)
                {
                    if (parts[p] is JsonObject { } imagePart && ReadString(imagePart, "type") is "image_url")
                    {
                        if (role != "user")
                        {
                            // OpenAI's words: an image in a system or assistant turn is refused, not billed.
                            throw new EmulatorRequestException(
                                $"Invalid '{where}'. Image URLs are only allowed for messages with role 'user', but this message with role '{role}' contains an image URL.",
                                where);
                        }

                        (images ??= []).Add(ReadImage(imagePart, $"{where}.content[{p}]"));
                        continue;
                    }

                    if (parts[p] is not JsonObject partObject)
                    {
                        throw new EmulatorRequestException(
                            $"'{where}.content[{p}]' must be a content part object with a 'type'.", $"{where}.content[{p}]");
                    }

                    if (ReadString(partObject, "text") is { } partText)
                    {
                        builder.Append(partText);
                    }
                    else if (ReadString(partObject, "type") is "text")
                    {
                        throw new EmulatorRequestException(
                            $"Missing required parameter: '{where}.content[{p}].text'.", $"{where}.content[{p}].text");
                    }
                }

                text = builder.ToString();
                break;
            default:
                throw new EmulatorRequestException(
                    $"'{where}.content' must be a string or an array of content parts.", $"{where}.content");
        }

        return new PromptMessage(role, name, text, images);
    }

    /// <summary>
    /// Reads an <c>image_url</c> part: its detail, and for a <c>data:</c> URL the image's size from its header (an
    /// http(s) URL is not fetched: its size is <see cref="EmulatorOptions.RemoteImageWidth"/> and height). Refused
    /// with the service's messages: no URL, an unknown detail, data that is not a PNG, JPEG, GIF or WebP image.
    /// </summary>
    private static ImageInput ReadImage(JsonObject part, string where)
    {
        var url = (part["image_url"] as JsonObject) is { } image ? ReadString(image, "url") : null;
        if (url is null)
        {
            throw new EmulatorRequestException($"Missing required parameter: '{where}.image_url.url'.", $"{where}.image_url.url");
        }

        var detail = ReadString(part["image_url"]!.AsObject(), "detail") switch
        {
            null or "auto" => ImageDetail.Auto,
            "low" => ImageDetail.Low,
            "high" => ImageDetail.High,
            var other => throw new EmulatorRequestException(
                $"Invalid value: '{other}'. Supported values are: 'low', 'high', and 'auto'.", $"{where}.image_url.detail"),
        };

        if (!url.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            return new ImageInput(null, null, detail);
        }

        var comma = url.IndexOf(',', StringComparison.Ordinal);
        var isBase64 = comma > 0 && url[..comma].EndsWith(";base64", StringComparison.OrdinalIgnoreCase);
        var bytes = new byte[comma < 0 ? 0 : (url.Length - comma) * 3 / 4 + 3];
        if (!isBase64 || !Convert.TryFromBase64String(url[(comma + 1)..], bytes, out var written)
            || !ImageDimensions.TryRead(bytes.AsSpan(0, written), out var width, out var height))
        {
            throw new EmulatorRequestException(
                "You uploaded an unsupported image. Please make sure your image has of one the following formats: ['png', 'jpeg', 'gif', 'webp'].",
                $"{where}.image_url.url");
        }

        return new ImageInput(width, height, detail);
    }

    /// <summary>
    /// Reads <c>n</c>, how many choices to answer: 1 to 128, as the service takes it, with its messages for a value
    /// outside that range or not a whole number.
    /// </summary>
    private static int ReadChoiceCount(JsonNode? node)
    {
        const int MaxChoices = 128;
        if (node is null)
        {
            return 1;
        }

        if (node is not JsonValue value || value.GetValueKind() != JsonValueKind.Number || !value.TryGetValue<long>(out var n))
        {
            throw new EmulatorRequestException($"Invalid type for 'n': expected an integer, but got {KindOf(node)} instead.", "n");
        }

        return n switch
        {
            < 1 => throw new EmulatorRequestException(
                $"Invalid 'n': integer below minimum value. Expected a value greater than or equal to 1, but got {n.ToString(CultureInfo.InvariantCulture)} instead.", "n"),
            > MaxChoices => throw new EmulatorRequestException(
                $"Invalid 'n': integer above maximum value. Expected a value less than or equal to {MaxChoices.ToString(CultureInfo.InvariantCulture)}, but got {n.ToString(CultureInfo.InvariantCulture)} instead.", "n"),
            _ => (int)n,
        };
    }

    /// <summary>
    /// Reads <c>logprobs</c> and <c>top_logprobs</c>: how many alternatives per token to answer (0 to 20), or null when
    /// log probabilities are not asked for; <c>top_logprobs</c> without <c>logprobs: true</c> is refused, as the service
    /// refuses it.
    /// </summary>
    private static int? ReadLogprobs(JsonObject root)
    {
        const int MaxTopLogprobs = 20;
        var wanted = ReadBool(root, "logprobs");
        if (root["top_logprobs"] is not { } node)
        {
            return wanted ? 0 : null;
        }

        if (node is not JsonValue value || value.GetValueKind() != JsonValueKind.Number || !value.TryGetValue<long>(out var top))
        {
            throw new EmulatorRequestException($"Invalid type for 'top_logprobs': expected an integer, but got {node.ToJsonString()} instead.", "top_logprobs");
        }

        if (top < 0 || top > MaxTopLogprobs)
        {
            throw new EmulatorRequestException(
                top < 0
                    ? $"Invalid 'top_logprobs': integer below minimum value. Expected a value greater than or equal to 0, but got {top.ToString(CultureInfo.InvariantCulture)} instead."
                    : $"Invalid 'top_logprobs': integer above maximum value. Expected a value less than or equal to {MaxTopLogprobs.ToString(CultureInfo.InvariantCulture)}, but got {top.ToString(CultureInfo.InvariantCulture)} instead.",
                "top_logprobs");
        }

        return wanted
            ? (int)top
            : throw new EmulatorRequestException("Invalid value for 'logprobs': must be true when 'top_logprobs' is set.", "logprobs");
    }

    /// <summary>
    /// Reads <c>stop</c>: a string or an array of up to 4 strings, as OpenAI takes it ("Up to 4 sequences where the API
    /// will stop generating further tokens").
    /// </summary>
    private static List<string>? ReadStop(JsonNode? node)
    {
        const string Expected = "'stop' must be a string or an array of up to 4 strings";
        switch (node)
        {
            case null:
                return null;
            case JsonValue value when value.TryGetValue<string>(out var one):
                return [one];
            case JsonArray array when array.Count <= 4:
                var sequences = new List<string>(array.Count);
                foreach (var item in array)
                {
                    if (item is not JsonValue sequence || !sequence.TryGetValue<string>(out var text))
                    {
                        throw new EmulatorRequestException($"{Expected} (was {node.ToJsonString()}).", "stop");
                    }

                    sequences.Add(text);
                }

                return sequences;
            default:
                throw new EmulatorRequestException($"{Expected} (was {node.ToJsonString()}).", "stop");
        }
    }

    private static string? ReadString(JsonObject node, string property) =>
        node[property] is JsonValue value && value.TryGetValue<string>(out var s) ? s : null;

    /// <summary>
    /// Reads a boolean field, absent or null being false. Any other value is refused with the service's message: read as
    /// false, <c>"stream": "true"</c> got a whole answer where the service answers 400.
    /// </summary>
    private static bool ReadBool(JsonObject node, string property, string? where = null) => node[property] switch
    {
        null => false,
        JsonValue value when value.GetValueKind() is JsonValueKind.True => true,
        JsonValue value when value.GetValueKind() is JsonValueKind.False => false,
        var other => throw new EmulatorRequestException(
            $"Invalid type for '{where ?? property}': expected a boolean, but got {KindOf(other)} instead.", where ?? property),
    };

    /// <summary>How the service names a JSON value's type in its "Invalid type for ..." messages.</summary>
    internal static string KindOf(JsonNode node) => node.GetValueKind() switch
    {
        JsonValueKind.Number when node is JsonValue value && value.TryGetValue<long>(out _) => "an integer",
        JsonValueKind.Number => "a decimal number",
        JsonValueKind.String => "a string",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Array => "an array",
        _ => "an object",
    };

    /// <summary>Reads a token limit: a whole number of 1 or more (a long, so that a huge one is refused as too large).</summary>
    private static long? ReadPositiveInt(JsonObject node, string property)
    {
        var value = node[property];
        if (value is null)
        {
            return null;
        }

        if (value is JsonValue number && number.GetValueKind() == JsonValueKind.Number
            && number.TryGetValue<long>(out var n) && n >= 1)
        {
            return n;
        }

        throw new EmulatorRequestException($"'{property}' must be a whole number of 1 or more (was {value.ToJsonString()}).", property);
    }
}
