using System.Net;
using Frugal.Onnx.Embeddings;
using Frugal.Onnx.Models;
using Microsoft.Extensions.DependencyInjection;

namespace Frugal.Inference.Tests.Api;

public sealed class ShutdownTests
{
    [Fact]
    public async Task Embeddings_ModelsStoppingWithRequestsInFlight_RunningOneAnsweredTheOthers503WithRetryAfter()
    {
        // The app disposes its models when it shuts down: a text queued then was cancelled and its request answered 500
        // with an empty body, and one arriving then was answered 500 "failed to run: Cannot access a disposed object".
        var model = new FakeEmbeddingModel("slow");
        using var gate = new SemaphoreSlim(0);
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        model.HoldRuns(gate, entered);
        await using var app = new InferenceApp(
            new Dictionary<string, string?> { ["Onnx:Batching:MaxBatchSize"] = "1" },
            services => services.AddSingleton<IEmbeddingModel>(model));
        using var client = await app.CreateReadyClientAsync();
        var registry = app.Services.GetRequiredService<OnnxModelRegistry>();
        var batcher = registry.Embeddings["slow"];
        var running = client.PostJsonAsync("/v1/embeddings", new { model = "slow", input = "a" });
        await entered.Task;
        var queued = client.PostJsonAsync("/v1/embeddings", new { model = "slow", input = "b" });
        while (batcher.QueueLength < 1)
        {
            await Task.Delay(10);
        }

        var stopping = registry.DisposeAsync().AsTask();
        using var arriving = await client.PostJsonAsync("/v1/embeddings", new { model = "slow", input = "c" });
        using var classifying = await client.PostJsonAsync("/v1/classify", new { model = "urgency", input = "c" });
        gate.Release();
        await stopping;

        using var first = await running;
        using var second = await queued;
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        foreach (var refused in new[] { second, arriving })
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(5), refused.Headers.RetryAfter?.Delta);
            var error = (await refused.ReadJsonAsync()).GetProperty("error");
            Assert.Equal("Model 'slow' is stopping (the process is shutting down); retry after 5 s.", error.GetProperty("message").GetString());
            Assert.Equal("server_error", error.GetProperty("type").GetString());
            Assert.Equal("shutting_down", error.GetProperty("code").GetString());
        }

        Assert.Equal(HttpStatusCode.ServiceUnavailable, classifying.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(5), classifying.Headers.RetryAfter?.Delta);
        Assert.Equal("Model 'all-MiniLM-L6-v2' is stopping (the process is shutting down); retry after 5 s.", (await classifying.ReadJsonAsync()).ErrorMessage());
    }
}
