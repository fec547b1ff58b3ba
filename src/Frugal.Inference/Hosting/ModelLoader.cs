using Frugal.Onnx.Models;
using Microsoft.Extensions.Options;

namespace Frugal.Inference.Hosting;

/// <summary>Loads the models after the server has started, so <c>/healthz</c> answers 503 while they load.
/// A model that cannot load, or a default model that is not among them, stops the app with exit code 1: it is a
/// configuration error, not a state to serve in (it stopped with exit code 0 before, which a container platform
/// reads as a clean stop rather than a failed start).</summary>
internal sealed class ModelLoader(
    OnnxModelRegistry registry, IOptions<InferenceOptions> options, StartupFailure failure, IHostApplicationLifetime lifetime, ILogger<ModelLoader> logger)
    : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.Run(() =>
    {
        try
        {
            registry.Load();
            var model = options.Value.DefaultModel;
            if (!registry.Embeddings.ContainsKey(model))
            {
                throw new InvalidOperationException(
                    $"{InferenceOptions.SectionName}:DefaultModel '{model}' is not a loaded embedding model (loaded: {string.Join(", ", registry.Embeddings.Keys)}).");
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Every failure to load, not only the foreseen kinds: a damaged model.onnx (OnnxRuntimeException) or a
            // folder it may not read escaped this filter, and the process aborted with exit code 134 and a stack trace.
            Log.ModelLoadFailed(logger, ex);
            failure.Fail();
            lifetime.StopApplication();
        }
    }, stoppingToken);
}

/// <summary>Whether start-up failed after the host had started, which the process's exit code then says.</summary>
internal sealed class StartupFailure
{
    private volatile bool _failed;

    /// <summary>Whether it failed.</summary>
    public bool Failed => _failed;

    /// <summary>Records the failure.</summary>
    public void Fail() => _failed = true;
}
