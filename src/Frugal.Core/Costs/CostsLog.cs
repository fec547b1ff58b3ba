using Microsoft.Extensions.Logging;

namespace Frugal.Costs;

/// <summary>Source-generated log messages of the cost ledger (event ids 3000-3099).</summary>
internal static partial class CostsLog
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Error, Message = "Writing {Count} cost records failed; their activities will fail and retry")]
    public static partial void AppendFailed(ILogger logger, int count, Exception exception);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Debug, Message = "Committed {Count} cost records in one batch")]
    public static partial void BatchCommitted(ILogger logger, int count);
}
