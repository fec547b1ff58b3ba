using System.Globalization;
using Frugal.Inference.Hosting;
using Frugal.Onnx.Batching;
using Frugal.Onnx.Embeddings;
using Frugal.Onnx.Models;

namespace Frugal.Inference.Api;

/// <summary>The steps the embeddings and classify endpoints share: readiness, tokenization limits, queue refusals.</summary>
internal static class ModelCalls
{
    public const string GpuSecondsHeader = "x-frugal-gpu-seconds";
    public const string TruncatedHeader = "x-frugal-truncated";

    public static IResult NotReady() =>
        ApiErrors.Result(StatusCodes.Status503ServiceUnavailable, "The models are still loading; retry shortly.", "server_error", null, "models_loading");

    public static IResult UnknownModel(string model, OnnxModelRegistry registry, string kind)
    {
        var available = kind == ModelKinds.Embedding ? registry.Embeddings.Keys : registry.Classifiers.Keys;
        return ApiErrors.Result(StatusCodes.Status404NotFound,
            $"The {kind} model '{model}' does not exist. Available: {string.Join(", ", available)}.", "invalid_request_error", "model", "model_not_found");
    }

    public static (TokenizedText[]? Inputs, IResult? Error) Tokenize(IEmbeddingModel model, IReadOnlyList<string> texts, OverLimitPolicy policy)
    {
        var inputs = new TokenizedText[texts.Count];
        for (var i = 0; i < inputs.Length; i++)
        {
            inputs[i] = model.Tokenize(texts[i]);
            if (inputs[i].Truncated && policy == OverLimitPolicy.Reject)
            {
                var param = texts.Count == 1 ? "input" : $"input[{i}]";
                return (null, ApiErrors.Result(StatusCodes.Status413PayloadTooLarge,
                    $"'{param}' has {inputs[i].TokenCount} tokens; model '{model.Name}' reads at most {model.MaxTokens}.",
                    "invalid_request_error", param, "context_length_exceeded"));
            }
        }

        return (inputs, null);
    }

    public static IResult QueueFull(HttpContext context, BatchQueueFullException ex)
    {
        context.Response.Headers.RetryAfter = ((int)Math.Ceiling(ex.RetryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        return ApiErrors.Result(StatusCodes.Status429TooManyRequests, ex.Message, "rate_limit_error", null, "queue_full");
    }

    /// <summary>
    /// A request that reached the models while the app shut down (or whose texts were still queued then): nothing ran.
    /// The batcher cancelled such texts, and the request was answered 500 with an empty body, which a client retries
    /// blindly or not at all; a 503 with Retry-After is what a load balancer or retry policy expects of a stopping replica.
    /// </summary>
    public static IResult Stopping(HttpContext context, BatcherStoppedException ex)
    {
        context.Response.Headers.RetryAfter = ((int)Math.Ceiling(ex.RetryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        return ApiErrors.Result(StatusCodes.Status503ServiceUnavailable, ex.Message, "server_error", null, "shutting_down");
    }

    /// <summary>
    /// A model run that failed (ONNX Runtime out of GPU memory, a CUDA error): the batcher has logged it; without this the
    /// exception escaped the endpoint and the caller got 500 with an empty body, not the OpenAI-shaped error it parses.
    /// </summary>
    public static IResult ModelFailed(string model, Exception ex) =>
        ApiErrors.Result(StatusCodes.Status500InternalServerError, $"Model '{model}' failed to run: {ex.Message}", "server_error", null, "model_error");

    public static void WriteCostHeaders(HttpResponse response, double gpuSeconds, int truncated)
    {
        response.Headers[GpuSecondsHeader] = gpuSeconds.ToString("0.######", CultureInfo.InvariantCulture);
        if (truncated > 0)
        {
            response.Headers[TruncatedHeader] = truncated.ToString(CultureInfo.InvariantCulture);
        }
    }
}
