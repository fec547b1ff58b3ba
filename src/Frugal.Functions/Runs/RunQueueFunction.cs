using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Frugal.Budgets;
using Frugal.Engine;
using Frugal.Telemetry;
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

    /// <summary>The most a queue message may hold (Azure Queue Storage), as UTF-8: <c>host.json</c> sets no base64 encoding.</summary>
    internal const int MaxMessageBytes = 64 * 1024;

    private const int MaxRunIdLength = 256;

    // The job's fields. Any other is refused: a job with "tenantId" or "Tenant" ran, and was billed, as the default
    // tenant, and one with "Input" was refused as having no input.
    private static readonly string[] Fields = ["workflow", "input", "tenant", "id"];

    // The poison entry keeps the job's text as it is: letters outside ASCII escaped as \uXXXX took up to six bytes
    // where the job had two or three, and pushed an entry over the queue's limit.
    private static readonly JsonSerializerOptions PoisonJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly WorkflowCatalog _catalog;
    private readonly ILogger<RunQueueFunction> _logger;
    private readonly BudgetGuard? _budgets;
    private readonly TenantTextPolicy _text;

    public RunQueueFunction(WorkflowCatalog catalog, ILogger<RunQueueFunction> logger, BudgetGuard? budgets = null, TenantTextPolicy? text = null)
    {
        _catalog = catalog;
        _logger = logger;
        _budgets = budgets;
        _text = text ?? TenantTextPolicy.None;
    }

    [Function("RunFromQueue")]
    [QueueOutput(PoisonQueueName)]
    public async Task<string?> RunAsync(
        [QueueTrigger(QueueName)] string message,
        [DurableClient] DurableTaskClient client,
        FunctionContext context,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (job, error) = ParseJob(message);
        string? logged = null; // the reason as the log may say it, when it may quote the tenant's input
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
            else if (!WorkflowInputValidator.TryValidate(definition, job.Input, out var valid, out var violations))
            {
                // Before the budget: a tenant over its tokens per minute had a job it can never run delivered five
                // times, 30 s apart, and poisoned by the host without the schema's reason (a spent budget: poisoned
                // with the budget's). The poison entry goes back to the sender with the values the schema refused;
                // the log names where.
                var invalid = new WorkflowInputException(definition.Name, violations);
                error = invalid.Message;
                logged = _text.Describe(invalid, WorkflowRunRequest.TenantOrDefault(job.Tenant));
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
                // A job naming its run id may start a run that failed or was terminated under that id again: a new
                // execution. One whose run is still going or has completed is a second delivery of the same job
                // (queues deliver at least once): nothing to start, and nothing paid for twice. A job without an id
                // runs under its message's id, which every delivery of the message shares: a delivery after the
                // run was started (its first delivery's start answered late, or the message was not deleted) starts
                // nothing, whatever became of the run; before, each started and paid for a run of its own.
                var messageId = job.Id is null ? MessageId(context) : null;
                var runId = job.Id ?? messageId;
                var (status, start, execution) = runId is null ? (null, true, 0) : await WorkflowStarter.NextExecutionAsync(client, runId, cancellationToken);
                if (!start || (messageId is not null && status is not null))
                {
                    Log.JobAlreadyStarted(_logger, runId!, job.Workflow, status!.Value);
                    return null;
                }

                var id = await WorkflowStarter.StartAsync(client, valid, job.Tenant, runId, execution, cancellationToken);
                Log.RunStartedFromQueue(_logger, id, job.Workflow);
                return null;
            }
        }

        Log.JobRejected(_logger, logged ?? error!);
        return PoisonEntry(error!, message);
    }

    /// <summary>
    /// The poison queue's entry for <paramref name="message"/>: <c>{"reason", "message"}</c>, within the queue's limit. A
    /// long reason (an input of a thousand items, each failing the schema) is cut to fit, saying so; a job too large to fit with any reason goes as it was, as the host itself moves a job that kept failing.
    /// The job is never cut: before, such an entry failed to be written, the job was delivered five times over and
    /// reached the poison queue without its reason.
    /// </summary>
    internal static string PoisonEntry(string reason, string message)
    {
        var entry = Entry(reason);
        if (Encoding.UTF8.GetByteCount(entry) <= MaxMessageBytes)
        {
            return entry;
        }

        const string Cut = " ... (cut to fit the queue's 64 KiB)";
        var room = MaxMessageBytes - Encoding.UTF8.GetByteCount(Entry(Cut));
        for (var length = Math.Min(reason.Length, room); length >= 100; length = length * 3 / 4)
        {
            var end = char.IsHighSurrogate(reason[length - 1]) ? length - 1 : length;
            entry = Entry(string.Concat(reason.AsSpan(0, end), Cut));
            if (Encoding.UTF8.GetByteCount(entry) <= MaxMessageBytes)
            {
                return entry;
            }
        }

        return message;

        string Entry(string why) => new JsonObject { ["reason"] = why, ["message"] = message }.ToJsonString(PoisonJson);
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
            return (null, $"message is not valid JSON: {JsonErrors.Describe(ex, message)}");
        }

        if (node is not JsonObject obj)
        {
            return (null, "message must be a JSON object with 'workflow' and 'input'");
        }

        foreach (var (field, _) in obj)
        {
            if (!Fields.Contains(field, StringComparer.Ordinal))
            {
                var meant = Fields.FirstOrDefault(f => string.Equals(f, field, StringComparison.OrdinalIgnoreCase)
                    || (field.StartsWith(f, StringComparison.OrdinalIgnoreCase) && field.Length > f.Length));
                return (null, $"unknown field '{field}'{(meant is null ? "" : $" (did you mean '{meant}'?)")}: a job has 'workflow', 'input', 'tenant' and 'id', and nothing else");
            }
        }

        if (obj["workflow"] is not JsonValue workflow || !workflow.TryGetValue<string>(out var name) || name.Length == 0)
        {
            return (null, "message is missing the string field 'workflow'");
        }

        // A tenant or id of another type was taken as none before: the run was billed to the default tenant, or
        // started under a new id each time the job came again.
        if (!TryGetString(obj, "tenant", out var tenant))
        {
            return (null, "'tenant' must be a string when it is given");
        }

        if (!TryGetString(obj, "id", out var id))
        {
            return (null, "'id' must be a string when it is given");
        }

        if (id is not null && RunIdProblem(id) is { } idProblem)
        {
            return (null, $"'id' {idProblem}");
        }

        return (new QueueJob(name, obj["input"]?.DeepClone(), tenant, id), null);
    }

    /// <summary>
    /// The queue message's id, which the queue trigger binds (<c>Id</c>) and which stays the same on every delivery of
    /// the message, or null when none is bound or it could not be a run's id.
    /// </summary>
    internal static string? MessageId(FunctionContext context) =>
        context.BindingContext.BindingData.TryGetValue("Id", out var value) && value is string id && RunIdProblem(id) is null ? id : null;

    /// <summary>
    /// Why a job's <c>id</c> cannot be a run's id, or null. Durable Task's Azure Storage provider keys its tables by the
    /// instance id, and Table storage refuses keys with <c>/ \ # ?</c> or control characters; such a job failed at the
    /// start call five times over before reaching the poison queue without a reason.
    /// </summary>
    internal static string? RunIdProblem(string id) =>
        id.Length == 0 ? "must not be empty"
        : id.Length > MaxRunIdLength ? $"must be at most {MaxRunIdLength} characters (was {id.Length})"
        : id.Any(c => c is '/' or '\\' or '#' or '?' || char.IsControl(c)) ? "must not contain '/', '\\', '#', '?' or control characters"
        : null;

    private static bool TryGetString(JsonObject obj, string name, out string? value)
    {
        value = null;
        return obj[name] switch
        {
            null => true,
            JsonValue v when v.TryGetValue<string>(out var text) => (value = text) is not null,
            _ => false,
        };
    }

    internal sealed record QueueJob(string Workflow, JsonNode? Input, string? Tenant, string? Id);
}
