using System.Net;
using Frugal.Inference.Hosting;
using Frugal.Onnx.Batching;
using Frugal.Onnx.Models;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Frugal.Inference.Tests.Api;

public sealed class StartupTests
{
    [Fact]
    public async Task Start_NoApiKeyAndNoAnonymousLoopback_FailsNamingTheSetting()
    {
        await using var app = new InferenceApp(new Dictionary<string, string?> { ["Inference:ApiKey"] = "" });

        var ex = Assert.Throws<OptionsValidationException>(() => app.CreateClient());

        Assert.Contains("Inference:ApiKey (environment Inference__ApiKey) is required unless Inference:AllowAnonymousLoopback is true.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Embeddings_AnonymousLoopbackOnRealKestrel_NeedsNoKey()
    {
        await using var app = new InferenceApp(new Dictionary<string, string?> { ["Inference:ApiKey"] = "", ["Inference:AllowAnonymousLoopback"] = "true" });
        app.UseKestrel(0);
        app.StartServer();
        using var client = app.CreateClient();
        await InferenceApp.WaitUntilReadyAsync(client);

        using var response = await client.PostJsonAsync("/v1/embeddings", new { input = "no key on loopback" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(384, (await response.ReadJsonAsync()).Vector(0).Length);
    }

    [Fact]
    public async Task ModelLoader_DefaultModelNotLoaded_StopsTheAppAsAFailure()
    {
        // It served with /healthz ready and answered every request without a model with a 404 before.
        var registry = new OnnxModelRegistry(new OnnxOptions { ExecutionProvider = ExecutionProviderPreference.Cpu }, new BatchingOptions());
        await using var _ = registry;
        var failure = new StartupFailure();
        var lifetime = new StoppingLifetime();
        var loader = new ModelLoader(
            registry, Options.Create(new InferenceOptions { ApiKey = "k", DefaultModel = "nope" }), failure, lifetime, NullLogger<ModelLoader>.Instance);

        await loader.StartAsync(CancellationToken.None);
        await loader.ExecuteTask!;

        Assert.True(lifetime.Stopped);
        Assert.True(failure.Failed);
    }

    [Fact]
    public async Task Classify_WithoutAModel_SaysTheModelIsRequired()
    {
        await using var app = new InferenceApp();
        using var client = await app.CreateReadyClientAsync();

        using var response = await client.PostJsonAsync("/v1/classify", new { input = "is this urgent?" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("'model' is required: the name of the classifier to run.", (await response.ReadJsonAsync()).ErrorMessage());
    }

    private sealed class StoppingLifetime : IHostApplicationLifetime
    {
        public bool Stopped { get; private set; }

        public CancellationToken ApplicationStarted => CancellationToken.None;

        public CancellationToken ApplicationStopping => CancellationToken.None;

        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void StopApplication() => Stopped = true;
    }
}
