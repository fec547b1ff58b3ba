namespace Frugal.Inference;

/// <summary>Source-generated log messages of the inference app (event ids 4200-4299). Keys are never logged.</summary>
internal static partial class Log
{
    [LoggerMessage(4200, LogLevel.Critical, "Models could not be loaded; stopping")]
    public static partial void ModelLoadFailed(ILogger logger, Exception exception);

    [LoggerMessage(4201, LogLevel.Warning, "Refused {Method} {Path} from {Remote}: {Reason}")]
    public static partial void Unauthorized(ILogger logger, string method, string path, string? remote, string reason);

    [LoggerMessage(4202, LogLevel.Warning, "Anonymous loopback access is on: callers on this machine need no API key")]
    public static partial void AnonymousLoopback(ILogger logger);
}
