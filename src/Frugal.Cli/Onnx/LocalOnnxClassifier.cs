using Frugal.Engine;
using Frugal.Models;

namespace Frugal.Cli.Onnx;

/// <summary>Runs <c>onnx</c> steps in process with the classifiers shipped in <c>models/</c>; seconds are measured inference time.</summary>
internal sealed class LocalOnnxClassifier(LocalOnnxModels models) : IOnnxClassifier
{
    public string Provider => "frugal-onnx-local";

    public async Task<OnnxClassification> ClassifyAsync(string model, string text, CancellationToken cancellationToken)
    {
        var classifiers = models.Registry.Classifiers;
        if (!classifiers.TryGetValue(model, out var classifier))
        {
            throw new StepInputException(
                $"ONNX model '{model}' is not an in-process classifier (available: {string.Join(", ", classifiers.Keys.Order(StringComparer.Ordinal))}); add its folder under models/ or set Frugal:Inference:Endpoint to use the inference app's");
        }

        var results = await classifier.ClassifyAsync([text], cancellationToken).ConfigureAwait(false);
        var result = results[0];
        return new OnnxClassification(result.Label, result.Scores.ToDictionary(s => s.Key, s => (double)s.Value, StringComparer.Ordinal), result.Tokens, result.ComputeSeconds);
    }
}
