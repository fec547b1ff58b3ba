using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Frugal.Emulator.Protocol;
using Microsoft.AspNetCore.Http;

namespace Frugal.Emulator.Embeddings;

/// <summary>Answers <c>embeddings</c> requests with deterministic unit vectors, as floats or base64.</summary>
internal sealed class EmbeddingsEndpoint(
    EmulatorOptions options,
    RequestGate gate,
    EmulatorCounters counters,
    TokenCounter tokens,
    FaultInjector faults,
    TimeProvider timeProvider)
{
    private const int MaxInputs = 2048;
    private const int MaxInputTokens = 8192;

    public async Task HandleAsync(HttpContext http, string? routeDeployment)
    {
        if (!await gate.AuthorizeAsync(http))
        {
            return;
        }

        string deployment;
        List<(string Text, int Tokens)> inputs;
        int dimensions;
        bool base64;
        try
        {
            var body = await JsonNode.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted) as JsonObject
                ?? throw new EmulatorRequestException("The request body must be a JSON object.");
            RequestFields.CheckEmbeddings(body, azure: routeDeployment is not null);
            if (routeDeployment is null && body["model"] is { } model && model.GetValueKind() != JsonValueKind.String)
            {
                // As the chat endpoint says it: "'model' is required" read wrong when a model was sent.
                throw new EmulatorRequestException($"Invalid type for 'model': expected a string naming the deployment, but got {Chat.ChatRequestParser.KindOf(model)} instead.", "model");
            }

            deployment = routeDeployment ?? ReadString(body, "model")
                ?? throw new EmulatorRequestException("'model' is required: it names the deployment to call.", "model");
            inputs = ReadInputs(body["input"]);
            if (inputs.FirstOrDefault(i => i.Tokens > MaxInputTokens) is { Text: not null } tooLong)
            {
                // The embedding models' context, which the service enforces per input; accepted here, a long document
                // embedded in a team's tests was a 400 in production.
                var requested = tooLong.Tokens.ToString(CultureInfo.InvariantCulture);
                throw new EmulatorRequestException(
                    $"This model's maximum context length is {MaxInputTokens.ToString(CultureInfo.InvariantCulture)} tokens, however you requested {requested} tokens ({requested} in your prompt; 0 for the completion). Please reduce your prompt; or completion length.");
            }

            var requestedDimensions = ReadDimensions(body);
            if (requestedDimensions is { } asked)
            {
                CheckDimensionsOfModel(options.ModelOf(deployment), asked);
            }

            dimensions = requestedDimensions ?? options.For(deployment).EmbeddingDimensions ?? options.EmbeddingDimensions;
            base64 = body["encoding_format"] switch
            {
                null => false,
                JsonValue value when value.TryGetValue<string>(out var format) => format switch
                {
                    "float" => false,
                    "base64" => true,
                    _ => throw new EmulatorRequestException($"'encoding_format' must be 'float' or 'base64' (was '{format}').", "encoding_format"),
                },

                // Read as absent once, "encoding_format": 5 was answered in floats where the service answers 400.
                var other => throw new EmulatorRequestException($"'encoding_format' must be 'float' or 'base64' (was {other.ToJsonString()}).", "encoding_format"),
            };
        }
        catch (JsonException ex)
        {
            await gate.RefuseAsync(http, $"The request body is not valid JSON: {JsonErrors.Describe(ex)}", null);
            return;
        }
        catch (EmulatorRequestException ex)
        {
            await gate.RefuseAsync(http, ex.Message, ex.Param);
            return;
        }

        if (await gate.TryRefuseUnknownDeploymentAsync(http, deployment, options))
        {
            return;
        }

        var deploymentOptions = options.For(deployment);
        if (RequestGate.Answered(await gate.InjectFaultAsync(http, deployment, deploymentOptions, chat: false)))
        {
            return;
        }

        await Task.Delay(faults.DrawLatency(deployment, deploymentOptions, 0), timeProvider, http.RequestAborted);
        var promptTokens = inputs.Sum(i => i.Tokens);

        http.Response.ContentType = "application/json";
        await using (var writer = new Utf8JsonWriter(http.Response.Body))
        {
            writer.WriteStartObject();
            writer.WriteString("object", "list");
            writer.WriteStartArray("data");
            for (var i = 0; i < inputs.Count; i++)
            {
                var vector = HashedEmbedding.Create(deployment, inputs[i].Text, dimensions);
                writer.WriteStartObject();
                writer.WriteString("object", "embedding");
                writer.WriteNumber("index", i);
                if (base64)
                {
                    // OpenAI's base64 format is the little-endian float32 bytes of the vector.
                    writer.WriteBase64String("embedding", MemoryMarshal.AsBytes(vector.AsSpan()));
                }
                else
                {
                    writer.WriteStartArray("embedding");
                    foreach (var value in vector)
                    {
                        writer.WriteNumberValue(value);
                    }

                    writer.WriteEndArray();
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteString("model", options.ModelOf(deployment));
            writer.WriteStartObject("usage");
            writer.WriteNumber("prompt_tokens", promptTokens);
            writer.WriteNumber("total_tokens", promptTokens);
            writer.WriteEndObject();
            writer.WriteEndObject();
            await writer.FlushAsync(http.RequestAborted);
        }

        counters.OnEmbeddings(promptTokens);
    }

    /// <summary>
    /// Reads <c>input</c> as OpenAI takes it, refusing what the service refuses: an empty string, an array mixing strings
    /// and token-id arrays, and an array of more than 2048 inputs ("cannot be an empty string, and any array must be 2048
    /// dimensions or less"). Answered here, a client embedding an empty text passed its tests and failed against the service.
    /// </summary>
    private List<(string Text, int Tokens)> ReadInputs(JsonNode? input)
    {
        switch (input)
        {
            case JsonValue value when value.TryGetValue<string>(out var text):
                return [(NotEmpty(text, "input"), tokens.CountForEmbeddings(text))];
            case JsonArray array when array.Count > 0 && array.All(IsNumber):
                // One input given as token ids, however many: its length is the context check's business, not the
                // 2048 inputs', which refused one input of 3000 token ids as 3000 inputs.
                return [TokenIds(array, "input")];
            case JsonArray array when array.Count > MaxInputs:
                throw new EmulatorRequestException(
                    $"'input' must hold {MaxInputs.ToString(CultureInfo.InvariantCulture)} inputs at most (was {array.Count.ToString(CultureInfo.InvariantCulture)}).", "input");
            case JsonArray array when array.Count > 0 && array.Any(IsString) && array.Any(n => n is JsonArray):
                // The service takes an array of strings or an array of token-id arrays, not a mix ("'$.input' is
                // invalid"); answered here, a client that sent one passed its tests and failed against the service.
                var firstString = array.IndexOf(array.First(IsString)).ToString(CultureInfo.InvariantCulture);
                var firstArray = array.IndexOf(array.First(n => n is JsonArray)).ToString(CultureInfo.InvariantCulture);
                throw new EmulatorRequestException(
                    $"'input' mixes strings and token-id arrays (input[{firstString}] is a string, input[{firstArray}] an array); send an array of strings or an array of token-id arrays, not both.",
                    "input");
            case JsonArray array when array.Count > 0:
                var inputs = new List<(string, int)>(array.Count);
                for (var i = 0; i < array.Count; i++)
                {
                    inputs.Add(array[i] switch
                    {
                        JsonValue v when v.TryGetValue<string>(out var s) => (NotEmpty(s, $"input[{i}]"), tokens.CountForEmbeddings(s)),
                        JsonArray ids when ids.Count > 0 && ids.All(IsNumber) => TokenIds(ids, $"input[{i}]"),
                        _ => throw new EmulatorRequestException(
                            $"'input[{i}]' must be a string or an array of token ids.", $"input[{i}]"),
                    });
                }

                return inputs;
            default:
                throw new EmulatorRequestException(
                    "'input' is required and must be a string, a non-empty array of strings or an array of token ids.", "input");
        }
    }

    private static bool IsNumber(JsonNode? node) => node is JsonValue value && value.GetValueKind() == JsonValueKind.Number;

    private static bool IsString(JsonNode? node) => node is JsonValue value && value.GetValueKind() == JsonValueKind.String;

    /// <summary>An input given as token ids, which are whole numbers of 0 or more (a decimal or negative one is no token).</summary>
    private static (string Text, int Tokens) TokenIds(JsonArray ids, string where)
    {
        for (var i = 0; i < ids.Count; i++)
        {
            if (!ids[i]!.AsValue().TryGetValue<int>(out var id) || id < 0)
            {
                throw new EmulatorRequestException(
                    $"'{where}[{i.ToString(CultureInfo.InvariantCulture)}]' must be a token id, a whole number of 0 or more (was {ids[i]!.ToJsonString()}).", where);
            }
        }

        return (string.Join(' ', ids.Select(n => n!.ToJsonString())), ids.Count);
    }

    private static string NotEmpty(string text, string where) =>
        text.Length > 0 ? text : throw new EmulatorRequestException($"'{where}' cannot be an empty string.", where);

    private static int? ReadDimensions(JsonObject body)
    {
        var node = body["dimensions"];
        if (node is null)
        {
            return null;
        }

        if (node is JsonValue v && v.TryGetValue<int>(out var n) && n is >= 1 and <= EmulatorOptionsValidator.MaxEmbeddingDimensions)
        {
            return n;
        }

        throw new EmulatorRequestException(
            $"'dimensions' must be a whole number between 1 and {EmulatorOptionsValidator.MaxEmbeddingDimensions.ToString(CultureInfo.InvariantCulture)} (was {node.ToJsonString()}).",
            "dimensions");
    }

    /// <summary>
    /// Refuses what the service refuses for OpenAI's own embedding models: <c>dimensions</c> on text-embedding-ada-002,
    /// which has none to choose, and more than the model has on the text-embedding-3 models (1536 small, 3072 large).
    /// Accepted here up to 8192 whatever the model, a request the service answers 400 passed a team's tests.
    /// </summary>
    private static void CheckDimensionsOfModel(string model, int dimensions)
    {
        if (model.StartsWith("text-embedding-ada-002", StringComparison.OrdinalIgnoreCase))
        {
            throw new EmulatorRequestException("This model does not support specifying dimensions.", "dimensions");
        }

        int? most = model.StartsWith("text-embedding-3-small", StringComparison.OrdinalIgnoreCase) ? 1536
            : model.StartsWith("text-embedding-3-large", StringComparison.OrdinalIgnoreCase) ? 3072
            : null;
        if (dimensions > most)
        {
            throw new EmulatorRequestException(
                string.Create(CultureInfo.InvariantCulture, $"'dimensions' must be at most {most} for {model}, which has {most} (was {dimensions})."),
                "dimensions");
        }
    }

    private static string? ReadString(JsonObject node, string property) =>
        node[property] is JsonValue value && value.TryGetValue<string>(out var s) ? s : null;
}
