using Microsoft.Extensions.Logging;

namespace Frugal;

/// <summary>Frugal.Core's log messages. Event ids are stable: 1xxx engine, 30xx cost ledger, 31xx retention, 50xx budgets and token limits.</summary>
internal static partial class Log
{
    [LoggerMessage(1001, LogLevel.Debug, "Run {RunId}: step {StepId} {Status}")]
    public static partial void StepFinished(ILogger logger, string runId, string stepId, string status);

    // The orchestrator names the failure by its type only: its message may quote the tenant's text, and the orchestrator
    // cannot read whose text may be kept (configuration). The activity's own line (1005, 1006) says why, as the tenant's
    // policy allows; this line only says that the step is tried again, so that a failure reads as one line.
    [LoggerMessage(1002, LogLevel.Warning, "Run {RunId}: step {StepId} retrying after attempt {Attempt} ({ErrorType})")]
    public static partial void StepRetrying(ILogger logger, string runId, string stepId, int attempt, string errorType);

    [LoggerMessage(1005, LogLevel.Warning, "Run {RunId}: step {StepId} attempt {Attempt} failed: {Reason}")]
    public static partial void StepAttemptFailed(ILogger logger, string runId, string stepId, int attempt, string reason);

    [LoggerMessage(1006, LogLevel.Warning, "Run {RunId}: step {StepId} attempt {Attempt}: {Failed} of {Calls} call(s) failed, the first: {Reason}")]
    public static partial void StepCallsFailed(ILogger logger, string runId, string stepId, int attempt, int failed, int calls, string reason);

    [LoggerMessage(1003, LogLevel.Information, "Run {RunId}: step {StepId} attempt {Attempt} ran {Calls} call(s) in {DurationMs:F1} ms")]
    public static partial void StepExecuted(ILogger logger, string runId, string stepId, int attempt, int calls, double durationMs);

    [LoggerMessage(1004, LogLevel.Warning, "Workflow not loaded: {Problem}")]
    public static partial void WorkflowSkipped(ILogger logger, string problem);

    [LoggerMessage(3001, LogLevel.Error, "Writing {Count} cost records failed; their activities will fail and retry")]
    public static partial void CostAppendFailed(ILogger logger, int count, Exception exception);

    [LoggerMessage(3002, LogLevel.Debug, "Committed {Count} cost records in one batch")]
    public static partial void CostBatchCommitted(ILogger logger, int count);

    [LoggerMessage(3003, LogLevel.Warning, "A committed cost record could not be counted in metrics or its step's span (a metrics listener failed); the record is kept")]
    public static partial void CostCountFailed(ILogger logger, Exception exception);

    [LoggerMessage(3101, LogLevel.Information, "Retention: deleted {Count} cost records that started before {Before:o}")]
    public static partial void CostRecordsPurged(ILogger logger, long count, DateTimeOffset before);

    [LoggerMessage(3102, LogLevel.Information, "Retention: deleted {Count} finished run histories created before {Before:o}")]
    public static partial void RunsPurged(ILogger logger, int count, DateTimeOffset before);

    [LoggerMessage(3103, LogLevel.Information, "Retention: deleted {Calls} remembered model calls made before {CallsBefore:o} and {Examples} routing feedback examples made before {ExamplesBefore:o}")]
    public static partial void FeedbackPurged(ILogger logger, int calls, DateTimeOffset callsBefore, int examples, DateTimeOffset examplesBefore);

    [LoggerMessage(5001, LogLevel.Warning, "Run {RunId} (tenant {Tenant}): {Budget} reached, premium call downgraded to cheap")]
    public static partial void BudgetDowngraded(ILogger logger, string runId, string tenant, string budget);

    [LoggerMessage(5002, LogLevel.Warning, "Run {RunId} (tenant {Tenant}): model call refused: {Reason}")]
    public static partial void BudgetRefused(ILogger logger, string runId, string tenant, string reason);

    [LoggerMessage(5003, LogLevel.Information, "Tenant {Tenant} is over its tokens-per-minute limit; call waits {DelayMs} ms")]
    public static partial void WaitingForTokens(ILogger logger, string tenant, double delayMs);

    [LoggerMessage(5004, LogLevel.Information, "Tenant {Tenant}: seeded {Month} budget counter with ${Dollars} from the cost ledger")]
    public static partial void BudgetSeeded(ILogger logger, string tenant, string month, decimal dollars);

    [LoggerMessage(5008, LogLevel.Information, "Run {RunId} (tenant {Tenant}): its budget counter was not in the store (a new process or a store restart); seeded with ${Dollars} the cost ledger holds for the run")]
    public static partial void BudgetRunSeeded(ILogger logger, string runId, string tenant, decimal dollars);

    [LoggerMessage(5005, LogLevel.Warning, "Budget counter {Key} lost its seed from the cost ledger (the store restarted or dropped it); seeding it again")]
    public static partial void BudgetReseeding(ILogger logger, string key);

    [LoggerMessage(5007, LogLevel.Warning, "A model call's cost could not be settled with the budget store after its retries; its answer is kept and its reservation counts as spent at its maximum when its lease passes (a settle that lands later counts what the call cost)")]
    public static partial void BudgetSettleFailed(ILogger logger, Exception exception);

    [LoggerMessage(5009, LogLevel.Information, "A model call's cost could not be settled with the budget store; trying again (attempt {Attempt}) in {DelayMs} ms")]
    public static partial void BudgetSettleRetrying(ILogger logger, int attempt, double delayMs, Exception exception);

    [LoggerMessage(5010, LogLevel.Warning, "A new run of tenant {Tenant} was refused with 503: the budget store did not answer")]
    public static partial void RunStartBudgetStoreUnavailable(ILogger logger, string tenant, Exception exception);

    [LoggerMessage(5006, LogLevel.Warning, "Model {Model} is not in price table {Version}: until a call's answer names a priced model, budgets reserve for its calls at the table's dearest price, {Dearest}; add the model or name the deployment after it")]
    public static partial void BudgetModelUnpriced(ILogger logger, string model, string version, string dearest);
}
