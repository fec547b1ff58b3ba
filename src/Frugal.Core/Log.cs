using Microsoft.Extensions.Logging;

namespace Frugal;

/// <summary>Frugal.Core's log messages. Event ids are stable: 1xxx engine, 2xxx models, 3xxx costs, 4xxx routing.</summary>
internal static partial class Log
{
    [LoggerMessage(1001, LogLevel.Debug, "Run {RunId}: step {StepId} {Status}")]
    public static partial void StepFinished(ILogger logger, string runId, string stepId, string status);

    [LoggerMessage(1002, LogLevel.Warning, "Run {RunId}: step {StepId} attempt {Attempt} failed, retrying: {Reason}")]
    public static partial void StepRetrying(ILogger logger, string runId, string stepId, int attempt, string reason);

    [LoggerMessage(1003, LogLevel.Information, "Run {RunId}: step {StepId} attempt {Attempt} ran {Calls} call(s) in {DurationMs:F1} ms")]
    public static partial void StepExecuted(ILogger logger, string runId, string stepId, int attempt, int calls, double durationMs);

    [LoggerMessage(1004, LogLevel.Warning, "Workflow not loaded: {Problem}")]
    public static partial void WorkflowSkipped(ILogger logger, string problem);
}
