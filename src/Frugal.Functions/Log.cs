using Microsoft.Extensions.Logging;

namespace Frugal.Functions;

/// <summary>The Functions app's log messages (event ids 60xx; Frugal.Core, loaded beside it, uses 1xxx-50xx).</summary>
internal static partial class Log
{
    [LoggerMessage(6001, LogLevel.Information, "Run {RunId} of {Workflow} started from the queue")]
    public static partial void RunStartedFromQueue(ILogger logger, string runId, string workflow);

    [LoggerMessage(6002, LogLevel.Warning, "Queue message sent to the poison queue: {Reason}")]
    public static partial void JobRejected(ILogger logger, string reason);

    [LoggerMessage(6003, LogLevel.Information, "Embedding refresh: {Tables} semantic lookup tables, {Built} indexes built with {Model}")]
    public static partial void EmbeddingsRefreshed(ILogger logger, int tables, int built, string model);

    [LoggerMessage(6004, LogLevel.Information, "Embedding refresh skipped: {Tables} semantic lookup tables, but no embedding model (set Frugal:Inference:Endpoint once the inference app is deployed)")]
    public static partial void EmbeddingsRefreshSkipped(ILogger logger, int tables);

    [LoggerMessage(6006, LogLevel.Information, "Run {RunId} of {Workflow} is already {Status}: its job was delivered again and is not started twice")]
    public static partial void JobAlreadyStarted(ILogger logger, string runId, string workflow, Microsoft.DurableTask.Client.OrchestrationRuntimeStatus status);

    [LoggerMessage(6005, LogLevel.Warning, "{Problem}")]
    public static partial void UnknownSetting(ILogger logger, string problem);
}
