using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Frugal.Engine;
using Microsoft.Extensions.Options;

namespace Frugal.Models;

/// <summary>
/// An <see cref="IOnnxClassifier"/> over Frugal's inference app: <c>POST /v1/classify</c> with the model's name and
/// the text; the accelerator seconds come from the <c>x-frugal-gpu-seconds</c> header.
/// </summary>
public sealed class InferenceOnnxClassifier : IOnnxClassifier
{
    /// <summary>The name of the <see cref="HttpClient"/> the classifier (and the inference embedding generator) use.</summary>
    public const string HttpClientName = "frugal-inference";

    private readonly HttpClient _http;
    private readonly FrugalInferenceOptions _options;
    private readonly Uri _classifyUri;

    /// <summary>Creates the classifier.</summary>
    /// <param name="http">The client (from IHttpClientFactory, with resilience).</param>
    /// <param name="options">The endpoint and key.</param>
    public InferenceOnnxClassifier(HttpClient http, IOptions<FrugalInferenceOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _http = http;
        _options = options.Value;
        var endpoint = _options.Endpoint ?? throw new InvalidOperationException("Frugal:Inference:Endpoint is required for the inference app's classifier.");
        _classifyUri = new Uri(endpoint, "v1/classify");
    }

    /// <inheritdoc />
    public string Provider => Frugal.Embeddings.InferenceEmbeddingGenerator.ProviderName;

    /// <inheritdoc />
    public async Task<OnnxClassification> ClassifyAsync(string model, string text, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _classifyUri)
        {
            Content = new StringContent(new JsonObject { ["model"] = model, ["input"] = text }.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        if (_options.ApiKey is { Length: > 0 } key)
        {
            request.Headers.Add("api-key", key);
        }

        using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            throw new StepInputException($"ONNX model '{model}' is not served by the inference app at {_options.Endpoint}: {ErrorMessage(body)}");
        }

        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            // A wrong or missing key fails the same way on every attempt: say which setting, and do not retry.
            throw new StepInputException(
                $"the inference app at {_options.Endpoint} refused the key ({(int)response.StatusCode} {response.ReasonPhrase}) for ONNX model '{model}': check Frugal:Inference:ApiKey ({ErrorMessage(body)})");
        }

        if ((int)response.StatusCode is >= 400 and < 500 and not 408 and not 429)
        {
            // The app refused the input (400: an empty prompt; 413: a text over the token limit under OverLimit=Reject):
            // the same on every attempt, and nothing ran, so the step is not tried again and the call costs nothing.
            throw new StepInputException(
                $"the inference app at {_options.Endpoint} refused the input of ONNX model '{model}' ({(int)response.StatusCode} {response.ReasonPhrase}): {ErrorMessage(body)}");
        }

        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"The inference app answered {(int)response.StatusCode} {response.ReasonPhrase} for ONNX model '{model}': {ErrorMessage(body)}", null, response.StatusCode);
        }

        using var document = JsonDocument.Parse(body);
        var item = document.RootElement.GetProperty("data")[0];
        var scores = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var score in item.GetProperty("scores").EnumerateObject())
        {
            scores[score.Name] = score.Value.GetDouble();
        }

        var tokens = document.RootElement.TryGetProperty("usage", out var usage) && usage.TryGetProperty("prompt_tokens", out var p) ? p.GetInt64() : 0;
        var seconds = Frugal.Embeddings.InferenceEmbeddingGenerator.GpuSeconds(response) ?? 0;
        var truncated = item.TryGetProperty("truncated", out var t) && t.ValueKind == JsonValueKind.True;
        return new OnnxClassification(item.GetProperty("label").GetString() ?? string.Empty, scores, tokens, seconds, truncated);
    }

    private static string ErrorMessage(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.TryGetProperty("error", out var error) && error.TryGetProperty("message", out var m) ? m.GetString() ?? string.Empty : string.Empty;
        }
        catch (JsonException)
        {
            // Not an OpenAI-style error object (a proxy's page): the status line says enough.
            return string.Empty;
        }
    }
}
