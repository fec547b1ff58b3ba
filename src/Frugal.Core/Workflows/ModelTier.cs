namespace Frugal.Workflows;

/// <summary>Which model serves a <c>model</c> step.</summary>
public enum ModelTier
{
    /// <summary>The cheap hosted deployment.</summary>
    Cheap,

    /// <summary>The premium hosted deployment.</summary>
    Premium,

    /// <summary>Whatever the step's classify step decided.</summary>
    Auto,

    /// <summary>An ONNX model served by Frugal's inference app.</summary>
    Onnx,
}
