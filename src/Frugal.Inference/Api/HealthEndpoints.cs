using System.Text.Json;
using Frugal.Onnx.Models;

namespace Frugal.Inference.Api;

/// <summary><c>GET /healthz</c>: 503 while models load, then 200 with the execution provider and the models.</summary>
internal static class HealthEndpoints
{
    public static WebApplication MapHealth(this WebApplication app)
    {
        app.MapGet("/healthz", (OnnxModelRegistry registry) => new HealthResult(registry));
        return app;
    }

    private sealed class HealthResult(OnnxModelRegistry registry) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var ready = registry.IsLoaded;
            httpContext.Response.StatusCode = ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
            httpContext.Response.ContentType = "application/json";
            await using var json = new Utf8JsonWriter(httpContext.Response.BodyWriter);
            json.WriteStartObject();
            json.WriteString("status", ready ? "ready" : "loading");
            if (ready)
            {
                json.WriteString("provider", registry.Provider);
                json.WriteStartArray("models");
                foreach (var batcher in registry.Embeddings.Values)
                {
                    json.WriteStartObject();
                    json.WriteString("name", batcher.Model.Name);
                    json.WriteString("kind", ModelKinds.Embedding);
                    json.WriteNumber("dimensions", batcher.Model.Dimensions);
                    json.WriteNumber("maxTokens", batcher.Model.MaxTokens);
                    json.WriteNumber("queueLength", batcher.QueueLength);
                    json.WriteEndObject();
                }

                foreach (var classifier in registry.Classifiers.Values)
                {
                    json.WriteStartObject();
                    json.WriteString("name", classifier.Name);
                    json.WriteString("kind", ModelKinds.Classifier);
                    json.WriteString("embeddingModel", classifier.Embeddings.Model.Name);
                    json.WriteStartArray("labels");
                    foreach (var label in classifier.Head.Labels)
                    {
                        json.WriteStringValue(label);
                    }

                    json.WriteEndArray();
                    json.WriteEndObject();
                }

                json.WriteEndArray();
            }

            json.WriteEndObject();
            await json.FlushAsync();
        }
    }
}
