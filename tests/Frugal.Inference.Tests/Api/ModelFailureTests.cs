using System.Net;
using Frugal.Onnx.Embeddings;
using Microsoft.Extensions.DependencyInjection;

namespace Frugal.Inference.Tests.Api;

public sealed class ModelFailureTests
{
    [Fact]
    public async Task Embeddings_ModelRunFails_Returns500WithOpenAIError()
    {
        // A failed run (ONNX Runtime out of GPU memory, a CUDA error) answered 500 with an empty body.
        var model = new FakeEmbeddingModel("broken") { OnEmbed = _ => throw new InvalidOperationException("CUDA failure 2: out of memory") };
        await using var app = new InferenceApp(services: services => services.AddSingleton<IEmbeddingModel>(model));
        using var client = await app.CreateReadyClientAsync();

        using var response = await client.PostJsonAsync("/v1/embeddings", new { model = "broken", input = "hello" });

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.False(response.Headers.Contains("x-frugal-gpu-seconds"));
        var error = (await response.ReadJsonAsync()).GetProperty("error");
        Assert.Equal("Model 'broken' failed to run: CUDA failure 2: out of memory", error.GetProperty("message").GetString());
        Assert.Equal("server_error", error.GetProperty("type").GetString());
        Assert.Equal("model_error", error.GetProperty("code").GetString());
    }
}
