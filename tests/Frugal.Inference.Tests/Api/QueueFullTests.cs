using System.Net;
using Frugal.Inference.Hosting;
using Frugal.Onnx.Batching;
using Frugal.Onnx.Embeddings;
using Frugal.Onnx.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Frugal.Inference.Tests.Api;

public sealed class QueueFullTests
{
    [Fact]
    public async Task Embeddings_QueueFull_Returns429WithRetryAfter()
    {
        var model = new FakeEmbeddingModel("slow");
        using var gate = new SemaphoreSlim(0);
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        model.HoldRuns(gate, entered);
        await using var app = new InferenceApp(
            new Dictionary<string, string?> { ["Onnx:Batching:QueueCapacity"] = "2", ["Inference:MaxInputs"] = "2", ["Onnx:Batching:MaxBatchSize"] = "1" },
            services => services.AddSingleton<IEmbeddingModel>(model));
        using var client = await app.CreateReadyClientAsync();
        var batcher = app.Services.GetRequiredService<OnnxModelRegistry>().Embeddings["slow"];

        var running = client.PostJsonAsync("/v1/embeddings", new { model = "slow", input = "a" });
        await entered.Task;
        var queued = client.PostJsonAsync("/v1/embeddings", new { model = "slow", input = new[] { "b", "c" } });
        while (batcher.QueueLength < 2)
        {
            await Task.Delay(10);
        }

        using var refused = await client.PostJsonAsync("/v1/embeddings", new { model = "slow", input = "d" });
        gate.Release();

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(1), refused.Headers.RetryAfter?.Delta);
        var error = (await refused.ReadJsonAsync()).GetProperty("error");
        Assert.Equal("The queue of model 'slow' is full (2 texts waiting, capacity 2); retry after 1 s.", error.GetProperty("message").GetString());
        Assert.Equal("queue_full", error.GetProperty("code").GetString());
        using var first = await running;
        using var second = await queued;
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
    }

    [Fact]
    public async Task Embeddings_FullRequestWaitingUnderTheShippedLimits_AnotherFullRequestIsStillAdmitted()
    {
        // Inference:MaxInputs was the queue's whole capacity (2048 each): one full request filled the queue and every
        // other caller's was refused 429 until it had run. The shipped limits leave room for other callers.
        var model = new FakeEmbeddingModel("slow");
        using var gate = new SemaphoreSlim(0);
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        model.HoldRuns(gate, entered);
        await using var app = new InferenceApp(
            new Dictionary<string, string?> { ["Inference:MaxInputs"] = null, ["Onnx:Batching:QueueCapacity"] = null },
            services => services.AddSingleton<IEmbeddingModel>(model));
        using var client = await app.CreateReadyClientAsync();
        var maxInputs = app.Services.GetRequiredService<IOptions<InferenceOptions>>().Value.MaxInputs;
        var batchSize = app.Services.GetRequiredService<IOptions<BatchingOptions>>().Value.MaxBatchSize;
        var batcher = app.Services.GetRequiredService<OnnxModelRegistry>().Embeddings["slow"];
        var full = Enumerable.Range(0, maxInputs).Select(i => $"text {i}").ToArray();

        var first = client.PostJsonAsync("/v1/embeddings", new { model = "slow", input = full });
        await entered.Task;
        var second = client.PostJsonAsync("/v1/embeddings", new { model = "slow", input = full });
        while (batcher.QueueLength < (2 * maxInputs) - batchSize && !second.IsCompleted)
        {
            await Task.Delay(10);
        }

        gate.Release();

        using var firstResponse = await first;
        using var secondResponse = await second;
        Assert.Equal(HttpStatusCode.OK, firstResponse.StatusCode);
        Assert.Equal(HttpStatusCode.OK, secondResponse.StatusCode);
    }
}
