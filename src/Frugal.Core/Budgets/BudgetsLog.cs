using Microsoft.Extensions.Logging;

namespace Frugal.Budgets;

/// <summary>Source-generated log messages of budgets and token limits (event ids 5000-5099).</summary>
internal static partial class BudgetsLog
{
    [LoggerMessage(EventId = 5001, Level = LogLevel.Warning, Message = "Run {RunId} (tenant {Tenant}): {Budget} reached, premium call downgraded to cheap")]
    public static partial void Downgraded(ILogger logger, string runId, string tenant, string budget);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Warning, Message = "Run {RunId} (tenant {Tenant}): model call refused: {Reason}")]
    public static partial void Refused(ILogger logger, string runId, string tenant, string reason);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Information, Message = "Tenant {Tenant} is over its tokens-per-minute limit; call waits {DelayMs} ms")]
    public static partial void WaitingForTokens(ILogger logger, string tenant, double delayMs);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Information, Message = "Tenant {Tenant}: seeded {Month} budget counter with ${Dollars} from the cost ledger")]
    public static partial void Seeded(ILogger logger, string tenant, string month, decimal dollars);

    [LoggerMessage(EventId = 5005, Level = LogLevel.Warning, Message = "Budget counter {Key} lost its seed from the cost ledger (the store restarted or dropped it); seeding it again")]
    public static partial void Reseeding(ILogger logger, string key);
}
