using Frugal.Engine;

namespace Frugal.Models;

/// <summary>Runs <c>model</c> steps of tier <c>onnx</c>: a model served by Frugal's inference app (or in process).</summary>
public interface IOnnxStepHandler
{
    /// <summary>Runs the call's ONNX model on its prompt.</summary>
    Task<CallResult> ExecuteAsync(ModelCall modelCall, StepRequest request, CancellationToken cancellationToken);
}
