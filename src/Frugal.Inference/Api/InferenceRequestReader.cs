using System.Text.Json;
using Frugal.Inference.Hosting;
using Frugal.Onnx.Embeddings;

namespace Frugal.Inference.Api;

/// <summary>
/// Reads an OpenAI-style request body field by field, so that each wrong type or value gets a 400 naming the field
/// (a serializer would report only the first failure, in its own words).
/// </summary>
internal static class InferenceRequestReader
{
    /// <param name="http">The request.</param>
    /// <param name="options">The app's options (the default embedding model).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <param name="modelRequired">True for classification: there is no default classifier, and falling back to the
    /// default embedding model answered "the classifier model 'all-MiniLM-L6-v2' does not exist".</param>
    public static async Task<(InferenceRequest? Request, IResult? Error)> ReadAsync(
        HttpRequest http, InferenceOptions options, CancellationToken cancellationToken, bool modelRequired = false)
    {
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(http.Body, default, cancellationToken);
        }
        catch (JsonException ex)
        {
            return (null, ApiErrors.BadRequest($"The request body is not valid JSON: {JsonErrors.Describe(ex)}", null, "invalid_json"));
        }
        catch (BadHttpRequestException ex)
        {
            // Kestrel's refusal (a body over its size limit: 413) escaped as an unhandled exception with an empty body.
            return (null, ApiErrors.Result(ex.StatusCode, $"The request was refused: {ex.Message}", "invalid_request_error", null, "request_refused"));
        }

        using (document)
        {
            try
            {
                return Read(document.RootElement, options, modelRequired);
            }
            catch (InvalidOperationException ex)
            {
                // The parser accepts a lone surrogate escape ("\ud800", a cut emoji) and bytes that are not UTF-8 inside
                // strings; reading such a string throws, which answered 500 with an empty body.
                return (null, ApiErrors.BadRequest($"A string in the request body is not valid text (a lone UTF-16 surrogate such as \\ud800, or bytes that are not UTF-8): {ex.Message}", null, "invalid_json"));
            }
        }
    }

    private static (InferenceRequest?, IResult?) Read(JsonElement root, InferenceOptions options, bool modelRequired)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return (null, ApiErrors.BadRequest($"The request body must be a JSON object, not {Describe(root)}.", null, "invalid_type"));
        }

        var model = options.DefaultModel;
        if (TryGetOptional(root, "model", out var modelElement))
        {
            if (modelElement.ValueKind != JsonValueKind.String || modelElement.GetString() is not { Length: > 0 } name)
            {
                // "not a string" was all an empty name read.
                var what = modelElement.ValueKind == JsonValueKind.String ? "an empty one" : Describe(modelElement);
                return (null, ApiErrors.BadRequest($"'model' must be a non-empty string, not {what}.", "model", "invalid_type"));
            }

            model = name;
        }
        else if (modelRequired)
        {
            return (null, ApiErrors.BadRequest("'model' is required: the name of the classifier to run.", "model", "missing_required_parameter"));
        }

        if (!root.TryGetProperty("input", out var input))
        {
            return (null, ApiErrors.BadRequest("'input' is required: a string or an array of strings.", "input", "missing_required_parameter"));
        }

        var (inputs, inputError) = ReadInputs(input, options.MaxInputs);
        if (inputError is not null)
        {
            return (null, inputError);
        }

        var format = "float";
        if (TryGetOptional(root, "encoding_format", out var formatElement))
        {
            format = formatElement.ValueKind == JsonValueKind.String ? formatElement.GetString()! : "";
            if (format is not ("float" or "base64"))
            {
                return (null, ApiErrors.BadRequest($"'encoding_format' must be \"float\" or \"base64\", not {formatElement.GetRawText()}.", "encoding_format"));
            }
        }

        int? dimensions = null;
        if (TryGetOptional(root, "dimensions", out var dimensionsElement))
        {
            if (dimensionsElement.ValueKind != JsonValueKind.Number || !dimensionsElement.TryGetInt32(out var value) || value < 1)
            {
                return (null, ApiErrors.BadRequest($"'dimensions' must be a positive integer, not {dimensionsElement.GetRawText()}.", "dimensions", "invalid_type"));
            }

            dimensions = value;
        }

        return (new InferenceRequest(model, inputs!, format, dimensions), null);
    }

    private static (string[]?, IResult?) ReadInputs(JsonElement input, int maxInputs)
    {
        switch (input.ValueKind)
        {
            case JsonValueKind.String:
                var text = input.GetString()!;
                return BlankText.Is(text)
                    ? (null, ApiErrors.BadRequest(BlankText.Message("input"), "input", "empty_input"))
                    : ([text], null);
            case JsonValueKind.Array:
                var count = input.GetArrayLength();
                if (count == 0)
                {
                    return (null, ApiErrors.BadRequest("'input' is an empty array; send at least one string.", "input", "empty_input"));
                }

                if (count > maxInputs)
                {
                    return (null, ApiErrors.BadRequest($"'input' has {count} items; at most {maxInputs} are allowed per request (Inference:MaxInputs): send them in several requests.", "input", "too_many_inputs"));
                }

                var texts = new string[count];
                var i = 0;
                foreach (var item in input.EnumerateArray())
                {
                    if (item.ValueKind != JsonValueKind.String)
                    {
                        return (null, ApiErrors.BadRequest($"'input[{i}]' must be a string, not {Describe(item)} (token arrays are not supported).", $"input[{i}]", "invalid_type"));
                    }

                    texts[i] = item.GetString()!;
                    if (BlankText.Is(texts[i]))
                    {
                        return (null, ApiErrors.BadRequest(BlankText.Message($"input[{i}]"), $"input[{i}]", "empty_input"));
                    }

                    i++;
                }

                return (texts, null);
            default:
                return (null, ApiErrors.BadRequest($"'input' must be a string or an array of strings, not {Describe(input)}.", "input", "invalid_type"));
        }
    }

    // OpenAI's API takes null for an optional field as if it were absent, and clients whose serializers write nulls
    // ("dimensions": null) send it so: they were refused with 400 "'dimensions' must be a positive integer, not null".
    private static bool TryGetOptional(JsonElement root, string name, out JsonElement value) =>
        root.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null;

    private static string Describe(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };
}
