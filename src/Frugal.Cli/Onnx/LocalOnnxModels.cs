using Frugal.Onnx.Batching;
using Frugal.Onnx.Models;
using Frugal.Workflows;

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

    /// <summary>
    /// One diagnostic per <c>onnx</c> model step of <paramref name="definition"/> whose model is not one of these
    /// classifiers: said before anything runs, where each run failed at that step after paying for the steps before it.
    /// Loads the models only when the workflow has such a step.
    /// </summary>
    public IReadOnlyList<WorkflowDiagnostic> Unknown(WorkflowDefinition definition)
    {
        var steps = definition.Steps
            .Select(s => s is ForEachStep each ? each.Body : s)
            .OfType<ModelStep>()
            .Where(m => m.Tier == ModelTier.Onnx)
            .ToList();
        if (steps.Count == 0)
        {
            return [];
        }

        var classifiers = Registry.Classifiers;
        return [.. steps
            .Where(m => m.Model is null || !classifiers.ContainsKey(m.Model))
            .Select(m => new WorkflowDiagnostic(m.Location, LocalOnnxClassifier.UnknownModel(m.Id, m.Model, classifiers.Keys)))];
    }

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
