using System.Runtime.InteropServices;
using System.Text.Json;
using Frugal.Inference.Hosting;
using Frugal.Onnx.Batching;
using Frugal.Onnx.Models;
using Microsoft.Extensions.Options;

namespace Frugal.Inference.Api;

/// <summary><c>POST /v1/embeddings</c>: OpenAI's embeddings API over the batched ONNX models.</summary>
internal static class EmbeddingsEndpoints
{
    public static WebApplication MapEmbeddings(this WebApplication app)
    {
        app.MapPost("/v1/embeddings", EmbedAsync);
        return app;
    }

    private static async Task<IResult> EmbedAsync(HttpContext context, OnnxModelRegistry registry, IOptions<InferenceOptions> options, CancellationToken cancellationToken)
    {
        if (!registry.IsLoaded)
        {
            return ModelCalls.NotReady();
        }

        var (request, error) = await InferenceRequestReader.ReadAsync(context.Request, options.Value, cancellationToken);
        if (request is null)
        {
            return error!;
        }

        if (!registry.Embeddings.TryGetValue(request.Model, out var batcher))
        {
            return ModelCalls.UnknownModel(request.Model, registry, ModelKinds.Embedding);
        }

        if (request.Dimensions is { } dimensions && dimensions != batcher.Model.Dimensions)
        {
            return ApiErrors.BadRequest($"Model '{batcher.Model.Name}' makes {batcher.Model.Dimensions} dimensions, not {dimensions}.", "dimensions");
        }

        var (inputs, tooLong) = ModelCalls.Tokenize(batcher.Model, request.Inputs, options.Value.OverLimit);
        if (inputs is null)
        {
            return tooLong!;
        }

        IReadOnlyList<BatchedEmbedding> results;
        try
        {
            results = await batcher.EmbedAsync(inputs, cancellationToken);
        }
        catch (BatchQueueFullException ex)
        {
            return ModelCalls.QueueFull(context, ex);
        }
        catch (BatcherStoppedException ex)
        {
            return ModelCalls.Stopping(context, ex);
        }
#pragma warning disable CA1031 // Any failure of the model's run is the caller's 500, in the API's error shape.
        catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
        {
            return ModelCalls.ModelFailed(batcher.Model.Name, ex);
        }

        ModelCalls.WriteCostHeaders(context.Response, results.Sum(r => r.ComputeSeconds), results.Count(r => r.Truncated));
        return new EmbeddingsResult(batcher.Model.Name, results, request.EncodingFormat == "base64");
    }

    private sealed class EmbeddingsResult(string model, IReadOnlyList<BatchedEmbedding> results, bool base64) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.ContentType = "application/json";
            await using var json = new Utf8JsonWriter(httpContext.Response.BodyWriter);
            json.WriteStartObject();
            json.WriteString("object", "list");
            json.WriteStartArray("data");
            for (var i = 0; i < results.Count; i++)
            {
                json.WriteStartObject();
                json.WriteString("object", "embedding");
                json.WriteNumber("index", i);
                if (base64)
                {
                    json.WriteBase64String("embedding", MemoryMarshal.AsBytes(results[i].Vector.AsSpan()));
                }
                else
                {
                    json.WriteStartArray("embedding");
                    foreach (var value in results[i].Vector)
                    {
                        json.WriteNumberValue(value);
                    }

                    json.WriteEndArray();
                }

                if (results[i].Truncated)
                {
                    json.WriteBoolean("truncated", true);
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteString("model", model);
            var tokens = results.Sum(r => r.Tokens);
            json.WriteStartObject("usage");
            json.WriteNumber("prompt_tokens", tokens);
            json.WriteNumber("total_tokens", tokens);
            json.WriteEndObject();
            json.WriteEndObject();
            await json.FlushAsync();
        }
    }
}
