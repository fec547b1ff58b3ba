using System.Text.Json.Nodes;
using Frugal.Engine;

namespace Frugal.Classification;

/// <summary>Finds the classifier a classify step names and turns its score into a tier decision.</summary>
public sealed class ComplexityClassifierRegistry
{
    private readonly Dictionary<string, IComplexityClassifier> _classifiers;

    /// <summary>Creates the registry from every registered classifier.</summary>
    public ComplexityClassifierRegistry(IEnumerable<IComplexityClassifier> classifiers)
    {
        _classifiers = classifiers.ToDictionary(c => c.Name, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The routers available.</summary>
    public IEnumerable<string> Names => _classifiers.Keys;

    /// <summary>Classifies and decides: output <c>{ tier, complexity, score, router, signals }</c>.</summary>
    public async Task<CallResult> ClassifyAsync(ClassifyCall call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        if (!_classifiers.TryGetValue(call.Router, out var classifier))
        {
            throw new StepInputException(
                $"router '{call.Router}' is not available; available: {string.Join(", ", _classifiers.Keys)}");
        }

        ComplexityScore score;
        try
        {
            score = await classifier.ScoreAsync(call.Text, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex) when (Embeddings.InferenceEmbeddingGenerator.IsRefusal(ex))
        {
            // A learned router's embedding refused by the inference app (400 for an empty text): the same on every
            // attempt, and nothing ran; as an HttpRequestException the step was tried three times.
            throw new StepInputException($"router '{classifier.Name}': {ex.Message}", ex);
        }

        var tier = score.Score >= call.PremiumThreshold ? "premium" : "cheap";
        var complexity = score.Score switch
        {
            < 0.25 => "simple",
            < 0.55 => "moderate",
            _ => "complex",
        };
        var signals = new JsonObject();
        foreach (var (name, value) in score.Signals)
        {
            signals[name] = value;
        }

        var output = new JsonObject
        {
            ["tier"] = tier,
            ["complexity"] = complexity,
            ["score"] = score.Score,
            ["router"] = classifier.Name,
            ["signals"] = signals,
        };
        return score.GpuSeconds > 0
            ? new CallResult(output, classifier.Name, Provider: Frugal.Embeddings.InferenceEmbeddingGenerator.ProviderName, GpuSeconds: score.GpuSeconds)
            : new CallResult(output, classifier.Name);
    }
}
