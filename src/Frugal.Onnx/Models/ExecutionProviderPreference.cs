namespace Frugal.Onnx.Models;

/// <summary>Which ONNX Runtime execution provider to run on.</summary>
public enum ExecutionProviderPreference
{
    /// <summary>CUDA when its libraries and a GPU are present, otherwise CPU.</summary>
    Auto,

    /// <summary>CPU only.</summary>
    Cpu,

    /// <summary>CUDA only: start-up fails when CUDA cannot be used.</summary>
    Cuda,
}
