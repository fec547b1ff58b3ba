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
        var outcomes = new List<(StepDefinition Step, StepOutcome Outcome)>(pending.Count);
        while (pending.Count > 0 || running.Count > 0)
        {
            // A skipped step completes at once and may make later steps ready, so scan until nothing changes.
            // Plain loops, not LINQ: this runs again on every replay of the run, for every step.
            bool progressed;
            do
            {
                progressed = false;
                for (var i = 0; i < pending.Count; i++)
                {
                    var step = pending[i];
                    if (!IsReady(step))
                    {
                        continue;
                    }

                    pending.RemoveAt(i--);
                    if (step.When is { } when && !when.IsTrue(_scope))
                    {
                        outcomes.Add((step, Complete(step, new StepOutcome(null, "skipped", 0, 0, []))));
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

            var finished = running.Count == 1 ? running.Keys.First() : await Task.WhenAny(running.Keys);
            var done = running[finished];
            running.Remove(finished);
            outcomes.Add((done, Complete(done, await finished)));
            _context.SetCustomStatus(new RunProgress(outcomes.Count, _definition.Steps.Count));
        }

        var output = _definition.Output is { } template
            ? template.Evaluate(_scope)?.DeepClone()
            : new JsonObject(_steps.Select(p => KeyValuePair.Create(p.Key, p.Value?["output"]?.DeepClone())));

        // Summaries are only read once the run is over, so they are built here, not on every replay of every step.
        return new WorkflowRunResult(output, [.. outcomes.Select(o => Summarize(o.Step, o.Outcome))]);
    }

    private RunLimits Limits => new(Math.Max(0, _definition.MaxEscalations - _escalations), _definition.PremiumShareCap);

    private bool IsReady(StepDefinition step)
    {
        foreach (var dependency in step.DependsOn)
        {
            if (!_steps.ContainsKey(dependency))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Makes the step's result visible to later expressions as <c>steps.&lt;id&gt;</c>.</summary>
    private StepOutcome Complete(StepDefinition step, StepOutcome outcome)
    {
        var first = outcome.Results.Count > 0 ? outcome.Results[0] : null;
        _steps[step.Id] = new JsonObject
        {
            // The outcome's output is not attached anywhere else (see StepOutcome), so it is adopted, not copied.
            ["output"] = outcome.Output,
            ["skipped"] = outcome.Status == "skipped",
            ["tier"] = first?.Tier,
            ["model"] = first?.Model,
            ["metadata"] = outcome.Results.Count == 1 ? first?.Metadata?.DeepClone() : null,
        };
        Log.StepFinished(_log, _context.InstanceId, step.Id, outcome.Status);
        return outcome;
    }

    private static StepSummary Summarize(StepDefinition step, StepOutcome outcome)
    {
        var tiers = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var result in outcome.Results)
        {
            tiers[result.Tier] = tiers.GetValueOrDefault(result.Tier) + 1;
        }

        return new StepSummary(
            step.Id,
            step.Kind,
            outcome.Status,
            outcome.Results.Count,
            outcome.Attempts,
            tiers,
            outcome.Results.Sum(r => r.InputTokens),
            outcome.Results.Sum(r => r.OutputTokens),
            outcome.DurationMs,
            Summarize(outcome.Results));
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

        var (response, attempts, duration) = await CallAsync(step.Id, () => [StepCallBuilder.Build(step, _scope, Limits)], 0);
        var result = response.Results[0];
        return new StepOutcome(result.Output, "completed", attempts, duration, [result with { Output = null }]);
    }

    private async Task<StepOutcome> RunForEachAsync(ForEachStep step)
    {
        var items = step.Items.Evaluate(_scope) as JsonArray
            ?? throw new InvalidOperationException($"step '{step.Id}': 'items' did not yield a list");
        var size = Math.Max(1, step.BatchSize);
        var batches = Enumerable.Range(0, (items.Count + size - 1) / size).ToList();
        var results = new CallResult[batches.Count][];
        var inFlight = new Dictionary<Task<(StepResponse Response, int Attempts, double DurationMs)>, int>();
        var attempts = 0;
        var duration = 0.0;
        var next = 0;
        while (next < batches.Count || inFlight.Count > 0)
        {
            while (next < batches.Count && inFlight.Count < Math.Max(1, step.Parallelism))
            {
                // Calls are built when their batch is sent, so each sees the run's limits (escalations left) as they are then.
                var first = next * size;
                inFlight.Add(CallAsync(step.Id, () => BuildBatch(step, items, first, size), next, first), next);
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

        // The outputs move into the step's list (a node has one parent); the results keep what the summary needs.
        var all = new List<CallResult>(items.Count);
        var output = new JsonArray();
        foreach (var batch in results)
        {
            foreach (var result in batch)
            {
                output.Add(result.Output);
                all.Add(result with { Output = null });
            }
        }

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
    /// <remarks>
    /// While the orchestrator replays, the call it schedules is already in the history: Durable Task matches it by
    /// name and order and never sends it again, and it does not compare inputs. So a replayed call is scheduled
    /// without an input, and <paramref name="build"/> (expression evaluation) runs only for calls that are sent.
    /// Without this every replay evaluated and serialised every earlier step's request again.
    /// </remarks>
    private async Task<(StepResponse Response, int Attempts, double DurationMs)> CallAsync(
        string stepId, Func<IReadOnlyList<StepCall>> build, int batch, int firstItem = -1)
    {
        IReadOnlyList<StepCall>? calls = null;
        for (var attempt = 1; ; attempt++)
        {
            StepRequest? request = null;
            if (!_context.IsReplaying)
            {
                calls ??= build();
                request = new StepRequest(_request.Workflow, _request.Hash, _request.Tenant, stepId, attempt, calls, batch, firstItem);
            }

            try
            {
                var response = await _context.CallActivityAsync<StepResponse>(ExecuteStepActivity.Name, request);
                var escalated = 0;
                var duration = 0.0;
                foreach (var result in response.Results)
                {
                    escalated += result.Escalated ? 1 : 0;
                    duration += result.DurationMs;
                }

                _escalations += escalated;
                return (response, attempt, duration);
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

    /// <summary>How a step ended. <see cref="Output"/> is owned by the outcome: results no longer hold it.</summary>
    private sealed record StepOutcome(
        JsonNode? Output, string Status, int Attempts, double DurationMs, IReadOnlyList<CallResult> Results);
}
