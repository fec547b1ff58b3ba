using System.Globalization;
using System.Net.Http.Headers;
using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Frugal.Embeddings;

/// <summary>
/// An <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> over Frugal's inference app (<c>POST /v1/embeddings</c>).
/// The result's <see cref="GeneratedEmbeddings{TEmbedding}.Usage"/> carries the token counts, and its additional
/// properties <see cref="GpuSecondsProperty"/>: the call's share of the app's accelerator time, for cost records.
/// </summary>
public sealed class InferenceEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    /// <summary>The additional property holding the call's accelerator seconds (header <c>x-frugal-gpu-seconds</c>).</summary>
    public const string GpuSecondsProperty = "gpu_seconds";

    /// <summary>The provider name of Frugal's inference app, in this generator's metadata and in cost records.</summary>
    public const string ProviderName = "frugal-inference";

    /// <summary>The additional property of an embedding whose text the app cut to the model's limit.</summary>
    public const string TruncatedProperty = "truncated";

    /// <summary>
    /// The accelerator seconds of <paramref name="result"/> that are billed per call: those Frugal's inference app
    /// reported. Zero for any other generator: an in-process model runs on the host's own CPU, which is not billed per call.
    /// </summary>
    /// <param name="generator">The generator that made <paramref name="result"/>.</param>
    /// <param name="result">Its embeddings.</param>
    /// <returns>Seconds.</returns>
    public static double BilledSeconds(IEmbeddingGenerator<string, Embedding<float>> generator, GeneratedEmbeddings<Embedding<float>> result)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentNullException.ThrowIfNull(result);
        return generator.GetService<EmbeddingGeneratorMetadata>()?.ProviderName == ProviderName
            && result.AdditionalProperties?.TryGetValue(GpuSecondsProperty, out var seconds) == true
                ? Convert.ToDouble(seconds, CultureInfo.InvariantCulture)
                : 0;
    }

    /// <summary>
    /// Whether a failure of <see cref="GenerateAsync"/> is the app refusing the request itself (HTTP 4xx other than 408
    /// and 429: an empty text, a text over the token limit under OverLimit=Reject, too many texts, a wrong key), which
    /// comes back the same on every attempt and ran nothing.
    /// </summary>
    /// <param name="error">The failure.</param>
    /// <returns>True for a refusal.</returns>
    public static bool IsRefusal(HttpRequestException error) =>
        error?.StatusCode is { } status && (int)status is >= 400 and < 500 and not 408 and not 429;

    private readonly HttpClient httpClient;
    private readonly InferenceEmbeddingGeneratorOptions options;
    private readonly Uri embeddingsUri;
    private readonly EmbeddingGeneratorMetadata metadata;

    /// <summary>Initializes a new instance of the <see cref="InferenceEmbeddingGenerator"/> class.</summary>
    /// <param name="httpClient">The client (from IHttpClientFactory, with resilience as the caller sees fit).</param>
    /// <param name="options">The endpoint, key and model.</param>
    public InferenceEmbeddingGenerator(HttpClient httpClient, InferenceEmbeddingGeneratorOptions options)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Endpoint is null)
        {
            throw new ArgumentException("InferenceEmbeddingGeneratorOptions.Endpoint is required: the base address of the inference app.", nameof(options));
        }

        this.httpClient = httpClient;
        this.options = options;
        embeddingsUri = new Uri(options.Endpoint, "v1/embeddings");
        metadata = new EmbeddingGeneratorMetadata(ProviderName, options.Endpoint, options.Model, options.Dimensions);
    }

    /// <inheritdoc />
    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values,
        EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var model = options?.ModelId ?? this.options.Model;
        using var request = new HttpRequestMessage(HttpMethod.Post, embeddingsUri) { Content = CreateBody(values, model, options?.Dimensions) };
        if (this.options.ApiKey is { Length: > 0 } key)
        {
            request.Headers.Add("api-key", key);
        }

        using var response = await httpClient.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException(DescribeError(response, body), null, response.StatusCode);
        }

        var result = ReadEmbeddings(body, model);
        if (GpuSeconds(response) is { } seconds)
        {
            result.AdditionalProperties = new() { [GpuSecondsProperty] = seconds };
        }

        return result;
    }

    /// <summary>
    /// The accelerator seconds the inference app counted for a call (header <c>x-frugal-gpu-seconds</c>), or null when
    /// it sent none that can be one call's: a count that is not a finite number from 0 to an hour. NaN or a count past
    /// decimal's range failed pricing the call's record after its answer was paid for, and a negative one took seconds
    /// off the step's total; no call of the app's lasts an hour (its batches take milliseconds, its clients time out
    /// within minutes).
    /// </summary>
    internal static double? GpuSeconds(HttpResponseMessage response) =>
        response.Headers.TryGetValues("x-frugal-gpu-seconds", out var gpu)
        && double.TryParse(gpu.FirstOrDefault(), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
        && seconds is >= 0 and <= 3600
            ? seconds
            : null;

    private static ByteArrayContent CreateBody(IEnumerable<string> values, string model, int? dimensions)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("model", model);
            json.WriteStartArray("input");
            foreach (var value in values)
            {
                json.WriteStringValue(value);
            }

            json.WriteEndArray();
            json.WriteString("encoding_format", "base64");
            if (dimensions is { } d)
            {
                json.WriteNumber("dimensions", d);
            }

            json.WriteEndObject();
        }

        var content = new ByteArrayContent(buffer.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    private static GeneratedEmbeddings<Embedding<float>> ReadEmbeddings(byte[] body, string model)
    {
        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        var data = root.GetProperty("data");
        var result = new GeneratedEmbeddings<Embedding<float>>(data.GetArrayLength());
        var modelId = root.TryGetProperty("model", out var m) ? m.GetString() : model;
        foreach (var item in data.EnumerateArray())
        {
            var element = item.GetProperty("embedding");
            float[] vector = element.ValueKind == JsonValueKind.String
                ? MemoryMarshal.Cast<byte, float>(element.GetBytesFromBase64()).ToArray()
                : [.. element.EnumerateArray().Select(v => v.GetSingle())];
            var embedding = new Embedding<float>(vector) { ModelId = modelId };
            if (item.TryGetProperty("truncated", out var truncated) && truncated.ValueKind == JsonValueKind.True)
            {
                embedding.AdditionalProperties = new() { [TruncatedProperty] = true };
            }

            result.Add(embedding);
        }

        if (root.TryGetProperty("usage", out var usage))
        {
            result.Usage = new UsageDetails
            {
                InputTokenCount = usage.TryGetProperty("prompt_tokens", out var p) ? p.GetInt64() : null,
                TotalTokenCount = usage.TryGetProperty("total_tokens", out var t) ? t.GetInt64() : null,
            };
        }

        return result;
    }

    private static string DescribeError(HttpResponseMessage response, byte[] body)
    {
        var message = $"The inference app answered {(int)response.StatusCode} {response.ReasonPhrase}";
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.TryGetProperty("error", out var error) && error.TryGetProperty("message", out var text))
            {
                message += $": {text.GetString()}";
            }
        }
        catch (JsonException)
        {
            // Not an OpenAI error object (a proxy's page, say): the status line is all there is.
        }

        if (response.Headers.RetryAfter?.Delta is { } retry)
        {
            message += $" (retry after {retry.TotalSeconds:0} s)";
        }

        return message;
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(EmbeddingGeneratorMetadata) ? metadata
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        // The HttpClient belongs to the caller (IHttpClientFactory).
    }
}
