namespace Frugal.Costs;

/// <summary>Which path served an activity, for cost accounting.</summary>
public enum CostTier
{
    /// <summary>No model ran (for example a skipped step).</summary>
    None,

    /// <summary>A deterministic step: code, no model.</summary>
    Deterministic,

    /// <summary>The cheap hosted model.</summary>
    Cheap,

    /// <summary>The premium hosted model.</summary>
    Premium,

    /// <summary>An ONNX model on Frugal's own GPU inference app.</summary>
    Onnx,
}
