using System.Text.Json;
using Frugal.Inference.Hosting;
using Frugal.Onnx.Batching;
using Frugal.Onnx.Classification;
using Frugal.Onnx.Models;
using Microsoft.Extensions.Options;

namespace Frugal.Inference.Api;

/// <summary>
/// <c>POST /v1/classify</c>: <c>{"model": "router", "input": "text" | ["text", ...]}</c> →
/// <c>{"object": "list", "model", "data": [{"index", "label", "scores": {label: score}}], "usage"}</c>.
/// </summary>
internal static class ClassifyEndpoints
{
    public static WebApplication MapClassify(this WebApplication app)
    {
        app.MapPost("/v1/classify", ClassifyAsync);
        return app;
    }

    private static async Task<IResult> ClassifyAsync(HttpContext context, OnnxModelRegistry registry, IOptions<InferenceOptions> options, CancellationToken cancellationToken)
    {
        if (!registry.IsLoaded)
        {
            return ModelCalls.NotReady();
        }

        var (request, error) = await InferenceRequestReader.ReadAsync(context.Request, options.Value, cancellationToken, modelRequired: true);
        if (request is null)
        {
            return error!;
        }

        if (request.Dimensions is not null)
        {
            // Ignored, a caller asking for a size got the same labels with no sign that it had no effect; there is no
            // size to honour, since the classifier's head was trained on its embedding model's vectors.
            return ApiErrors.BadRequest(
                "/v1/classify does not take 'dimensions': it answers a label and scores per text, not vectors (the embedding size is the classifier's own). Leave it out, or call /v1/embeddings for vectors.",
                "dimensions",
                "unsupported_parameter");
        }

        if (!registry.Classifiers.TryGetValue(request.Model, out var classifier))
        {
            return ModelCalls.UnknownModel(request.Model, registry, ModelKinds.Classifier);
        }

        var (inputs, tooLong) = ModelCalls.Tokenize(classifier.Embeddings.Model, request.Inputs, options.Value.OverLimit);
        if (inputs is null)
        {
            return tooLong!;
        }

        IReadOnlyList<ClassificationResult> results;
        try
        {
            results = await classifier.ClassifyAsync(inputs, request.Inputs, cancellationToken);
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
            return ModelCalls.ModelFailed(classifier.Name, ex);
        }

        ModelCalls.WriteCostHeaders(context.Response, results.Sum(r => r.ComputeSeconds), results.Count(r => r.Truncated));
        return new ClassifyResult(classifier.Name, results);
    }

    private sealed class ClassifyResult(string model, IReadOnlyList<ClassificationResult> results) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.ContentType = "application/json";
            await using var json = new Utf8JsonWriter(httpContext.Response.BodyWriter);
            json.WriteStartObject();
            json.WriteString("object", "list");
            json.WriteString("model", model);
            json.WriteStartArray("data");
            for (var i = 0; i < results.Count; i++)
            {
                json.WriteStartObject();
                json.WriteNumber("index", i);
                json.WriteString("label", results[i].Label);
                json.WriteStartObject("scores");
                foreach (var (label, score) in results[i].Scores)
                {
                    json.WriteNumber(label, score);
                }

                json.WriteEndObject();
                if (results[i].Truncated)
                {
                    json.WriteBoolean("truncated", true);
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
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
