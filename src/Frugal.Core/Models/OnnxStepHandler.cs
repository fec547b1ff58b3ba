using System.Text.Json.Nodes;
using Frugal.Engine;

namespace Frugal.Models;

/// <summary>
/// Answers <c>model</c> steps of tier <c>onnx</c> with an <see cref="IOnnxClassifier"/>: the output is
/// <c>{"label": "...", "scores": {label: score}}</c>, and the call carries the accelerator seconds its cost is priced by.
/// </summary>
public sealed class OnnxStepHandler : IOnnxStepHandler
{
    private readonly IOnnxClassifier _classifier;

    /// <summary>Creates the handler.</summary>
    public OnnxStepHandler(IOnnxClassifier classifier) => _classifier = classifier;

    /// <inheritdoc />
    public async Task<CallResult> ExecuteAsync(ModelCall modelCall, StepRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(modelCall);
        if (string.IsNullOrWhiteSpace(modelCall.Model))
        {
            throw new StepInputException("tier 'onnx' needs 'model': the name of the ONNX classifier to run");
        }

        var answer = await _classifier.ClassifyAsync(modelCall.Model, modelCall.Prompt, cancellationToken).ConfigureAwait(false);
        var scores = new JsonObject();
        foreach (var (label, score) in answer.Scores)
        {
            scores[label] = score;
        }

        var output = new JsonObject { ["label"] = answer.Label, ["scores"] = scores };
        return new CallResult(output, "onnx", modelCall.Model, answer.Tokens, 0, 0, _classifier.Provider, answer.GpuSeconds);
    }
}
