using System.Text.Json.Nodes;
using Frugal.Workflows;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;

namespace Frugal.Engine;

/// <summary>The state of one run inside <see cref="WorkflowOrchestrator"/>: the scope, what is done, what runs.</summary>
internal sealed class WorkflowRun
{
    private const int MaxAttempts = 3;
    private readonly TaskOrchestrationContext _context;
    private readonly WorkflowRunRequest _request;
    private readonly WorkflowDefinition _definition;
    private readonly JsonObject _scope;
    private readonly JsonObject _steps = [];
    private readonly List<StepSummary> _summaries = [];
    private readonly ILogger _log;
    private int _escalations;

    public WorkflowRun(TaskOrchestrationContext context, WorkflowRunRequest request, WorkflowDefinition definition)
    {
        _context = context;
        _request = request;
        _definition = definition;
        _log = context.CreateReplaySafeLogger<WorkflowOrchestrator>();
        _scope = new JsonObject
        {
            ["input"] = request.Input?.DeepClone(),
            ["steps"] = _steps,
            ["run"] = new JsonObject
            {
                ["id"] = context.InstanceId,
                ["workflow"] = request.Workflow,
                ["version"] = request.Hash,
                ["tenant"] = request.Tenant,
            },
        };
    }

    public async Task<WorkflowRunResult> ExecuteAsync()
    {
        var pending = _definition.Steps.ToList();
        var running = new Dictionary<Task<StepOutcome>, StepDefinition>();
        while (pending.Count > 0 || running.Count > 0)
        {
            // A skipped step completes at once and may make later steps ready, so scan until nothing changes.
            bool progressed;
            do
            {
                progressed = false;
                foreach (var step in pending.Where(IsReady).ToList())
                {
                    pending.Remove(step);
                    if (step.When is { } when && !when.IsTrue(_scope))
                    {
                        Complete(step, new StepOutcome(null, "skipped", 0, 0, []));
                        progressed = true;
                        continue;
                    }

                    running.Add(RunStepAsync(step), step);
                }
            }
            while (progressed);

            if (running.Count == 0)
            {
                // Only reachable if validation missed a dependency; fail loudly rather than spin.
                throw new InvalidOperationException(
                    $"steps {string.Join(", ", pending.Select(s => s.Id))} wait on steps that never run");
            }

            var finished = await Task.WhenAny(running.Keys);
            var done = running[finished];
            running.Remove(finished);
            Complete(done, await finished);
            _context.SetCustomStatus(new RunProgress(_summaries.Count, _definition.Steps.Count));
        }

        var output = _definition.Output is { } template
            ? template.Evaluate(_scope)?.DeepClone()
            : new JsonObject(_steps.Select(p => KeyValuePair.Create(p.Key, p.Value?["output"]?.DeepClone())));
        return new WorkflowRunResult(output, _summaries);
    }

    private RunLimits Limits => new(Math.Max(0, _definition.MaxEscalations - _escalations), _definition.PremiumShareCap);

    private bool IsReady(StepDefinition step) => step.DependsOn.All(_steps.ContainsKey);

    private void Complete(StepDefinition step, StepOutcome outcome)
    {
        var first = outcome.Results.Count > 0 ? outcome.Results[0] : null;
        _steps[step.Id] = new JsonObject
        {
            ["output"] = outcome.Output?.DeepClone(),
            ["skipped"] = outcome.Status == "skipped",
            ["tier"] = first?.Tier,
            ["model"] = first?.Model,
            ["metadata"] = outcome.Results.Count == 1 ? first?.Metadata?.DeepClone() : null,
        };
        _summaries.Add(new StepSummary(
            step.Id,
            step.Kind,
            outcome.Status,
            outcome.Results.Count,
            outcome.Attempts,
            outcome.Results.GroupBy(r => r.Tier).ToDictionary(g => g.Key, g => g.Count()),
            outcome.Results.Sum(r => r.InputTokens),
            outcome.Results.Sum(r => r.OutputTokens),
            outcome.DurationMs,
            Summarize(outcome.Results)));
        Log.StepFinished(_log, _context.InstanceId, step.Id, outcome.Status);
    }

    private static JsonNode? Summarize(IReadOnlyList<CallResult> results)
    {
        if (results.Count == 1)
        {
            return results[0].Metadata?.DeepClone();
        }

        var withMetadata = results.Where(r => r.Metadata is not null).ToList();
        return withMetadata.Count == 0 ? null : new JsonObject
        {
            ["escalated"] = results.Count(r => r.Escalated),
            ["trimmed"] = withMetadata.Count(r => r.Metadata!.ContainsKey("trimmed")),
            ["downgraded"] = withMetadata.Count(r => r.Metadata!.ContainsKey("downgraded")),
            ["invalid"] = withMetadata.Count(r => r.Metadata!["valid"]?.GetValue<bool>() == false),
        };
    }

    private async Task<StepOutcome> RunStepAsync(StepDefinition step)
    {
        if (step is ForEachStep forEach)
        {
            return await RunForEachAsync(forEach);
        }

        var (response, attempts, duration) = await CallAsync(step.Id, [StepCallBuilder.Build(step, _scope, Limits)], 0);
        return new StepOutcome(response.Results[0].Output, "completed", attempts, duration, response.Results);
    }

    private async Task<StepOutcome> RunForEachAsync(ForEachStep step)
    {
        var items = step.Items.Evaluate(_scope) as JsonArray
            ?? throw new InvalidOperationException($"step '{step.Id}': 'items' did not yield a list");
        var size = Math.Max(1, step.BatchSize);
        var batches = Enumerable.Range(0, (items.Count + size - 1) / size).ToList();
        var results = new CallResult[batches.Count][];
        var inFlight = new Dictionary<Task<(StepResponse, int, double)>, int>();
        var attempts = 0;
        var duration = 0.0;
        var next = 0;
        while (next < batches.Count || inFlight.Count > 0)
        {
            while (next < batches.Count && inFlight.Count < Math.Max(1, step.Parallelism))
            {
                // Calls are built when their batch is sent, so each sees the run's limits (escalations left) as they are then.
                inFlight.Add(CallAsync(step.Id, BuildBatch(step, items, next * size, size), next, next * size), next);
                next++;
            }

            if (next >= batches.Count)
            {
                // Everything is sent: wait for the rest at once. A WhenAny per completion would cost O(n^2) on every
                // replay of a wide fan-out.
                foreach (var (task, index) in inFlight)
                {
                    var (rest, restAttempts, restDuration) = await task;
                    results[index] = [.. rest.Results];
                    attempts += restAttempts;
                    duration += restDuration;
                }

                inFlight.Clear();
                break;
            }

            var finished = await Task.WhenAny(inFlight.Keys);
            var batch = inFlight[finished];
            inFlight.Remove(finished);
            var (response, batchAttempts, batchDuration) = await finished;
            results[batch] = [.. response.Results];
            attempts += batchAttempts;
            duration += batchDuration;
        }

        var all = results.SelectMany(r => r).ToList();
        var output = new JsonArray([.. all.Select(r => r.Output?.DeepClone())]);
        return new StepOutcome(output, "completed", attempts, duration, all);
    }

    private List<StepCall> BuildBatch(ForEachStep step, JsonArray items, int first, int size)
    {
        var calls = new List<StepCall>(size);
        for (var i = first; i < Math.Min(items.Count, first + size); i++)
        {
            _scope["item"] = items[i]?.DeepClone();
            _scope["index"] = i;
            calls.Add(StepCallBuilder.Build(step.Body, _scope, Limits));
        }

        _scope.Remove("item");
        _scope.Remove("index");
        return calls;
    }

    /// <summary>
    /// Calls the activity, retrying failed attempts with backoff. Retries are explicit here rather than a
    /// <see cref="TaskRetryOptions"/> so every attempt carries its number (cost records are keyed by it).
    /// </summary>
    private async Task<(StepResponse Response, int Attempts, double DurationMs)> CallAsync(
        string stepId, IReadOnlyList<StepCall> calls, int batch, int firstItem = -1)
    {
        for (var attempt = 1; ; attempt++)
        {
            var request = new StepRequest(
                _context.InstanceId, _request.Workflow, _request.Hash, _request.Tenant, stepId, attempt, calls, batch, firstItem);
            try
            {
                var response = await _context.CallActivityAsync<StepResponse>(ExecuteStepActivity.Name, request);
                _escalations += response.Results.Count(r => r.Escalated);
                return (response, attempt, response.Results.Sum(r => r.DurationMs));
            }
            catch (TaskFailedException ex) when (attempt < MaxAttempts && IsRetryable(ex))
            {
                Log.StepRetrying(_log, _context.InstanceId, stepId, attempt, ex.FailureDetails.ErrorMessage);
                await _context.CreateTimer(TimeSpan.FromSeconds(attempt), CancellationToken.None);
            }
        }
    }

    /// <summary>Bad definitions or inputs fail the same way every time; only transient failures are retried.</summary>
    private static bool IsRetryable(TaskFailedException ex) =>
        !ex.FailureDetails.IsCausedBy<StepInputException>();

    private sealed record StepOutcome(
        JsonNode? Output, string Status, int Attempts, double DurationMs, IReadOnlyList<CallResult> Results);
}
