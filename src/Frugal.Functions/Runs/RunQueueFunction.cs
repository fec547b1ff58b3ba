using System.Text.Json;
using System.Text.Json.Nodes;
using Frugal.Budgets;
using Frugal.Engine;
using Frugal.Workflows;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;

namespace Frugal.Functions.Runs;

/// <summary>
/// Starts runs from <c>workflow-jobs</c> messages: <c>{"workflow": "...", "input": {...}, "tenant": "...", "id": "..."}</c>.
/// A message that can never succeed (bad JSON, unknown workflow, invalid input) goes straight to the poison
/// queue with its reason instead of being retried; other failures are retried by the queue as usual.
/// </summary>
public sealed class RunQueueFunction
{
    public const string QueueName = "workflow-jobs";
    public const string PoisonQueueName = "workflow-jobs-poison";

    private readonly WorkflowCatalog _catalog;
    private readonly ILogger<RunQueueFunction> _logger;
    private readonly BudgetGuard? _budgets;

    public RunQueueFunction(WorkflowCatalog catalog, ILogger<RunQueueFunction> logger, BudgetGuard? budgets = null)
    {
        _catalog = catalog;
        _logger = logger;
        _budgets = budgets;
    }

    [Function("RunFromQueue")]
    [QueueOutput(PoisonQueueName)]
    public async Task<string?> RunAsync(
        [QueueTrigger(QueueName)] string message,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
    {
        var (job, error) = ParseJob(message);
        if (job is not null)
        {
            if (!_catalog.TryGet(job.Workflow, out var definition))
            {
                error = $"unknown workflow '{job.Workflow}'";
            }
            else if (WorkflowRunRequest.TenantProblem(job.Tenant) is { } tenantProblem)
            {
                error = $"'tenant' {tenantProblem}";
            }
            else if (_budgets is not null
                && await _budgets.CheckRunStartAsync(WorkflowRunRequest.TenantOrDefault(job.Tenant), cancellationToken) is { } refusal)
            {
                // Over the tokens per minute: fail so the queue delivers the job again, 30 s later (host.json's
                // visibilityTimeout: back to back, the five deliveries all fell in the same one-minute window and the
                // job went to the poison queue). A spent budget: poison at once.
                if (refusal.StatusCode == 429)
                {
                    throw new InvalidOperationException(refusal.Detail);
                }

                error = refusal.Detail;
            }
            else
            {
                try
                {
                    // A job naming its run id may start a run that ended before under that id again: a new execution.
                    // One whose run is still going is a second delivery of the same job: nothing to start.
                    var (inFlight, execution) = job.Id is null ? (false, 0) : await WorkflowStarter.NextExecutionAsync(client, job.Id, cancellationToken);
                    if (inFlight)
                    {
                        Log.JobAlreadyRunning(_logger, job.Id!, job.Workflow);
                        return null;
                    }

                    var id = await WorkflowStarter.StartAsync(client, definition, job.Input, job.Tenant, job.Id, execution, cancellationToken);
                    Log.RunStartedFromQueue(_logger, id, job.Workflow);
                    return null;
                }
                catch (WorkflowInputException ex)
                {
                    error = ex.Message;
                }
            }
        }

        Log.JobRejected(_logger, error!);
        return new JsonObject { ["reason"] = error, ["message"] = message }.ToJsonString();
    }

    internal static (QueueJob? Job, string? Error) ParseJob(string message)
    {
        JsonNode? node;
        try
        {
            node = JsonInput.Parse(message);
        }
        catch (JsonException ex)
        {
            return (null, $"message is not valid JSON: {JsonErrors.Describe(ex)}");
        }

        if (node is not JsonObject obj)
        {
            return (null, "message must be a JSON object with 'workflow' and 'input'");
        }

        if (obj["workflow"] is not JsonValue workflow || !workflow.TryGetValue<string>(out var name) || name.Length == 0)
        {
            return (null, "message is missing the string field 'workflow'");
        }

        var tenant = obj["tenant"] is JsonValue t && t.TryGetValue<string>(out var s) ? s : null;
        var id = obj["id"] is JsonValue i && i.TryGetValue<string>(out var sid) ? sid : null;
        return (new QueueJob(name, obj["input"]?.DeepClone(), tenant, id), null);
    }

    internal sealed record QueueJob(string Workflow, JsonNode? Input, string? Tenant, string? Id);
}
