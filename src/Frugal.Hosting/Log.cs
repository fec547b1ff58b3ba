using Microsoft.Extensions.Logging;

namespace Frugal.Hosting;

/// <summary>Frugal.Hosting's log messages (event ids 70xx).</summary>
internal static partial class Log
{
    [LoggerMessage(7001, LogLevel.Warning, "Stopping what a failed start of the local host had started failed")]
    public static partial void StartCleanupFailed(ILogger logger, Exception exception);
}
