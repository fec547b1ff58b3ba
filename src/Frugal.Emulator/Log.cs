using Microsoft.Extensions.Logging;

namespace Frugal.Emulator;

/// <summary>The emulator's log messages (event ids 43xx, beside Frugal.Onnx's 41xx and the inference app's 42xx).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 4301, Level = LogLevel.Information, Message = "Model emulator listening on {Uri}")]
    public static partial void Listening(ILogger logger, Uri uri);

    [LoggerMessage(EventId = 4302, Level = LogLevel.Debug, Message = "Injected {Fault} into a request for deployment {Deployment}")]
    public static partial void FaultInjected(ILogger logger, FaultKind fault, string deployment);

    [LoggerMessage(EventId = 4303, Level = LogLevel.Debug, Message = "Refused a request: {Reason}")]
    public static partial void Refused(ILogger logger, string reason);

    [LoggerMessage(EventId = 4304, Level = LogLevel.Error, Message = "The emulator failed to answer a request to {Path}")]
    public static partial void Failed(ILogger logger, string path, Exception exception);
}
