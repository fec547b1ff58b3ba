using Frugal.Onnx.Batching;
using Frugal.Onnx.Models;

namespace Frugal.Cli.Onnx;

/// <summary>
/// The ONNX models shipped next to the CLI (<c>models/</c>: all-MiniLM-L6-v2 and the classifiers), loaded on first use:
/// loading takes about a second, which runs with no <c>onnx</c> step and no semantic lookup should not pay.
/// </summary>
internal sealed class LocalOnnxModels : IAsyncDisposable
{
    private readonly Lazy<OnnxModelRegistry> _registry;

    public LocalOnnxModels(OnnxOptions options, TimeProvider time)
    {
        _registry = new Lazy<OnnxModelRegistry>(() =>
        {
            var registry = new OnnxModelRegistry(options, new BatchingOptions(), timeProvider: time);
            registry.Load();
            return registry;
        });
    }

    public OnnxModelRegistry Registry => _registry.Value;

    /// <summary>Whether something has used the models yet (and so loaded them).</summary>
    public bool IsLoaded => _registry.IsValueCreated;

    public async ValueTask DisposeAsync()
    {
        if (_registry.IsValueCreated)
        {
            await _registry.Value.DisposeAsync().ConfigureAwait(false);
        }
    }
}
