using Microsoft.Extensions.Logging;

namespace Frugal.Onnx;

/// <summary>Source-generated log messages of Frugal.Onnx (event ids 4100-4199).</summary>
internal static partial class Log
{
    [LoggerMessage(4100, LogLevel.Warning, "CUDA execution provider unavailable, running on CPU: {Reason}")]
    public static partial void CudaUnavailable(ILogger logger, string reason);

    [LoggerMessage(4101, LogLevel.Information, "Loaded {Kind} model {Model} from {Folder} on {Provider}")]
    public static partial void ModelLoaded(ILogger logger, string kind, string model, string folder, string provider);

    [LoggerMessage(4102, LogLevel.Information, "ONNX Runtime execution provider: {Provider}")]
    public static partial void ProviderChosen(ILogger logger, string provider);

    [LoggerMessage(4103, LogLevel.Error, "Batch of {Count} texts for {Model} failed")]
    public static partial void BatchFailed(ILogger logger, Exception exception, int count, string model);

    [LoggerMessage(4104, LogLevel.Warning, "Batch queue of {Model} is full ({Queued} texts waiting); refused {Count} texts")]
    public static partial void QueueFull(ILogger logger, string model, int queued, int count);
}
