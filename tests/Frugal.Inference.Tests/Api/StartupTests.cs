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
    [Theory]
    [InlineData("k", "Rejct", "configuration error: 'Inference:OverLimit' cannot be 'Rejct'; expected one of: Truncate, Reject")]
    [InlineData("", "Reject", "configuration error: Inference:ApiKey (environment Inference__ApiKey) is required unless Inference:AllowAnonymousLoopback is true.")]
    public async Task Process_BadSetting_ExitsTwoWithOneLineNamingTheKey(string key, string overLimit, string message)
    {
        // The app as it runs in its container, so this is a process of its own. Both ended in an unhandled exception and its stack trace (exit 134), where the docs promise a message naming the key.
        var start = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Frugal.Inference.dll"));
        start.Environment["Inference__ApiKey"] = key;
        start.Environment["Inference__OverLimit"] = overLimit;
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";

        using var process = System.Diagnostics.Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await WaitForExitAsync(process);

        Assert.True(process.ExitCode == 2, $"exit {process.ExitCode}: {await error}{await output}");
        Assert.Equal(message, (await error).Trim());
    }

    [Theory]
    [InlineData("Onnx__Batching__MaxBatchSize", "0", "configuration error: Onnx:Batching:MaxBatchSize must be between 1 and 4096")]
    [InlineData("Onnx__IntraOpThreads", "-1", "configuration error: Onnx:IntraOpThreads must be between 0 and 1024 (0: ONNX Runtime chooses)")]
    [InlineData("Inference__MaxInputs", "0", "configuration error: Inference:MaxInputs must be between 1 and 100000")]
    [InlineData("Onnx__Batching__QueueCapacity", "100", "configuration error: Inference:MaxInputs (256) must not exceed Onnx:Batching:QueueCapacity (100): such a request could never be queued. Keep it well below, so that one full request leaves room for other callers.")]
    public async Task Process_SettingOutOfRange_ExitsTwoWithOneLineNamingTheKeyAndNoStackTrace(string variable, string value, string message)
    {
        // "DataAnnotation validation failed for 'BatchingOptions' members: 'MaxBatchSize' ..." named no setting, and an
        // Onnx setting was checked only as the host started, which logged "Hosting failed to start" with a stack trace first.
        var start = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Frugal.Inference.dll"));
        start.Environment["Inference__ApiKey"] = "k";
        start.Environment[variable] = value;
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";

        using var process = System.Diagnostics.Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await WaitForExitAsync(process);

        Assert.True(process.ExitCode == 2, $"exit {process.ExitCode}: {await error}{await output}");
        Assert.Equal(message, (await error).Trim());
        Assert.DoesNotContain("Exception", await output, StringComparison.Ordinal);
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
    public async Task ModelLoader_DamagedModelFile_StopsTheAppAsAFailure()
    {
        // ONNX Runtime's exception for a damaged model.onnx escaped the loader: the process aborted (exit 134).
        var folder = Path.Combine(Path.GetTempPath(), "frugal-damaged-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, "model.json"), """{ "name": "broken", "kind": "embedding", "model": "model.onnx", "vocabulary": "vocab.txt", "dimensions": 384, "maxTokens": 256, "pooling": "mean", "normalize": true, "lowerCase": true }""");
        await File.WriteAllTextAsync(Path.Combine(folder, "model.onnx"), "not an onnx model");
        await File.WriteAllTextAsync(Path.Combine(folder, "vocab.txt"), "[PAD]\n[UNK]\n[CLS]\n[SEP]\n");
        var options = new OnnxOptions { ExecutionProvider = ExecutionProviderPreference.Cpu };
        options.ExtraModels.Add(folder);
        var registry = new OnnxModelRegistry(options, new BatchingOptions());
        await using var _ = registry;
        var failure = new StartupFailure();
        var lifetime = new StoppingLifetime();
        var loader = new ModelLoader(registry, Options.Create(new InferenceOptions { ApiKey = "k" }), failure, lifetime, NullLogger<ModelLoader>.Instance);

        await loader.StartAsync(CancellationToken.None);
        await loader.ExecuteTask!;

        Assert.True(lifetime.Stopped);
        Assert.True(failure.Failed);
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task Classify_ShippedLearnedRouter_ServedWithTheTierAndTheScoreOfTheInProcessRouter()
    {
        // Issue 4: /v1/classify serves a router as well as classifiers; the shipped one is Onnx:Router by default.
        const string Question = "Natalia sold clips to 48 of her friends in April, and then she sold half as many clips in May. How many clips did Natalia sell altogether?";
        await using var app = new InferenceApp();
        using var client = await app.CreateReadyClientAsync();

        using var response = await client.PostJsonAsync("/v1/classify", new { model = "default", input = Question });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var item = (await response.ReadJsonAsync()).GetProperty("data")[0];
        var premium = item.GetProperty("scores").GetProperty("premium").GetDouble();
        Assert.Equal(premium >= 0.5 ? "premium" : "cheap", item.GetProperty("label").GetString());
        using var embeddings = Frugal.Onnx.Routing.OnnxRouterEmbeddings.CreateGenerator();
        var router = new Frugal.Routing.LearnedComplexityClassifier(
            Frugal.Routing.RouterArtefact.Load(Path.Combine(AppContext.BaseDirectory, "routers", "default"), Frugal.Onnx.Routing.OnnxRouterEmbeddings.Identity), embeddings);
        Assert.Equal((await router.ScoreAsync(Question, CancellationToken.None)).Score, premium, 0.01);
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

    /// <summary>Waits a minute at most for the app to end; one that did not (it started serving) is killed, not left running.</summary>
    private static async Task WaitForExitAsync(System.Diagnostics.Process process)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }
}
