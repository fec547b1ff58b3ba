using Frugal.Onnx.Models;

namespace Frugal.Inference.Hosting;

/// <summary>Loads the models after the server has started, so <c>/healthz</c> answers 503 while they load.
/// A model that cannot load stops the app: it is a configuration error, not a state to serve in.</summary>
internal sealed class ModelLoader(OnnxModelRegistry registry, IHostApplicationLifetime lifetime, ILogger<ModelLoader> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.Run(() =>
    {
        try
        {
            registry.Load();
        }
        catch (Exception ex) when (ex is InvalidDataException or FileNotFoundException or InvalidOperationException or IOException)
        {
            Log.ModelLoadFailed(logger, ex);
            lifetime.StopApplication();
        }
    }, stoppingToken);
}
