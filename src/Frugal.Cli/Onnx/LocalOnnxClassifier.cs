using Frugal.Engine;
using Frugal.Models;
using Frugal.Onnx.Embeddings;

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
            throw new StepInputException(UnknownModel(null, model, classifiers.Keys));
        }

        // As the inference app refuses it (400), so a workflow that passes here does not fail deployed.
        if (BlankText.Is(text))
        {
            throw new StepInputException($"ONNX model '{model}' refused the input: {BlankText.Message("input")}");
        }

        var results = await classifier.ClassifyAsync([text], cancellationToken).ConfigureAwait(false);
        var result = results[0];
        return new OnnxClassification(result.Label, result.Scores.ToDictionary(s => s.Key, s => (double)s.Value, StringComparer.Ordinal), result.Tokens, result.ComputeSeconds, result.Truncated);
    }

    /// <summary>What is wrong with a step (<paramref name="stepId"/>, when given) whose model is not one of <paramref name="available"/>.</summary>
    internal static string UnknownModel(string? stepId, string? model, IEnumerable<string> available) =>
        $"{(stepId is { Length: > 0 } ? $"step '{stepId}': " : string.Empty)}ONNX model '{model}' is not an in-process classifier (available: {string.Join(", ", available.Order(StringComparer.Ordinal))}); add its folder under models/ or set Frugal:Inference:Endpoint to use the inference app's";
}
