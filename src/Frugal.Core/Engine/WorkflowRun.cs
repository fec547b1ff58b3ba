using System.Text.Json.Nodes;
using Frugal.Workflows;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;

namespace Frugal.Engine;

/// <summary>
/// The state of one run inside <see cref="WorkflowOrchestrator"/>: the scope, what is done, what runs. Its activity
/// calls, with their retries, are in WorkflowRun.Calls.cs.
/// </summary>
internal sealed partial class WorkflowRun
{
    private readonly TaskOrchestrationContext _context;
    private readonly WorkflowRunRequest _request;
    private readonly WorkflowDefinition _definition;
    private readonly JsonObject _scope;
    private readonly JsonObject _steps = [];
    private readonly HashSet<string> _done = new(StringComparer.Ordinal);

    // Steps finished or skipped, in the order they finished: what a run's result, or a failed run's status, summarises.
    private readonly List<(StepDefinition Step, StepResult Result)> _finished = [];

    // Steps that finished while replaying and whose results nothing has read yet: a replay reads a result only when a
    // call it sends, a condition or the run's end refers to it (see StepResponseJson).
    private readonly Dictionary<string, StepResult> _unread = new(StringComparer.Ordinal);
    private readonly ILogger _log;

    // The most a step request may hold on this host (its worker's converter refuses more), or 0 for no limit.
    private readonly int _maxRequestBytes;
    private int _escalations;

    // Escalations promised to calls in flight (see CallAsync), and the grant of the call being built.
    private int _escalationsReserved;
    private int _grant;

    public WorkflowRun(TaskOrchestrationContext context, WorkflowRunRequest request, WorkflowDefinition definition, int maxRequestBytes = 0)
    {
        _context = context;
        _maxRequestBytes = maxRequestBytes;
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
        var running = new Dictionary<Task<StepResult>, StepDefinition>();
        var finished = _finished;

        // Progress from the start, so a run's status shows it before its first step ends (and a run that fails in it).
        _context.SetCustomStatus(new RunProgress(0, _definition.Steps.Count));
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
                    if (step.When is { } when && !IsTrue(when, step))
                    {
                        var skipped = new StepResult(new StepOutcome(null, "skipped", 0, 0, []));
                        finished.Add((step, skipped));
                        Finish(step, skipped);
                        progressed = true;
                        continue;
                    }

                    running.Add(RunStepAsync(step), step);
                }
            }
            while (progressed);

            if (running.Count == 0)
            {
                if (pending.Count == 0)
                {
                    // The last steps were skipped once the steps they read had finished: the run is done.
                    break;
                }

                // Only reachable if validation missed a dependency; fail loudly rather than spin.
                throw new InvalidOperationException(
                    $"steps {string.Join(", ", pending.Select(s => s.Id))} wait on steps that never run");
            }

            var next = running.Count == 1 ? OnlyKey(running.Keys) : await Task.WhenAny(running.Keys);
            var done = running[next];
            running.Remove(next);
            var result = await next;
            finished.Add((done, result));
            Finish(done, result);
            _context.SetCustomStatus(new RunProgress(finished.Count, _definition.Steps.Count));
        }

        Read([.. _unread.Keys]);
        var output = _definition.Output is { } template
            ? Output(template)
            : new JsonObject(_definition.Steps.Select(s => KeyValuePair.Create(s.Id, _steps[s.Id]?["output"]?.DeepClone()))); // in the file's order, not completion order (which differs from run to run)

        // Summaries are only read once the run is over, so they are built here, not on every replay of every step.
        return new WorkflowRunResult(output, [.. finished.Select(f => StepSummary.From(f.Step, f.Result.Outcome))]);
    }

    private JsonNode? Output(Frugal.Expressions.ValueTemplate template)
    {
        try
        {
            return template.Evaluate(_scope)?.DeepClone();
        }
        catch (Frugal.Expressions.ExpressionException ex)
        {
            throw new InvalidOperationException(
                ex.Path is { } path ? $"the workflow's output failed at '{path}': {ex.Message}" : $"the workflow's output failed: {ex.Message}", ex);
        }
    }

    /// <summary>The one key, through the collection's struct enumerator (LINQ's <c>First</c> boxes it, on every step of every replay).</summary>
    private static Task<StepResult> OnlyKey(Dictionary<Task<StepResult>, StepDefinition>.KeyCollection keys)
    {
        foreach (var key in keys)
        {
            return key;
        }

        throw new InvalidOperationException("no step is running");
    }

    /// <summary>The limits a call is built with: the escalations reserved for it (<see cref="CallAsync"/>) and the premium share cap.</summary>
    private RunLimits Limits => new(_grant, _definition.PremiumShareCap);

    private bool IsReady(StepDefinition step)
    {
        // Indexed, not foreach: this runs for every pending step on every pass of every replay, and foreach over an
        // IReadOnlyList boxes its enumerator (the largest allocation of a chain's replay after the protobuf strings).
        var dependsOn = step.DependsOn;
        for (var i = 0; i < dependsOn.Count; i++)
        {
            if (!_done.Contains(dependsOn[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Marks a step finished. A step that finishes now (not in a replay) is read at once; one met again while
    /// replaying waits in <see cref="_unread"/> until something refers to it.
    /// </summary>
    private void Finish(StepDefinition step, StepResult result)
    {
        _done.Add(step.Id);
        if (_context.IsReplaying)
        {
            _unread[step.Id] = result;
        }
        else
        {
            Complete(step.Id, result.Outcome);
        }

        Log.StepFinished(_log, _context.InstanceId, step.Id, result.Status);
    }

    /// <summary>Evaluates a step's condition once the steps it refers to are read.</summary>
    private bool IsTrue(Frugal.Expressions.Expression when, StepDefinition step)
    {
        Read(step.DependsOn);
        try
        {
            return when.IsTrue(_scope);
        }
        catch (Frugal.Expressions.ExpressionException ex)
        {
            // Evaluated on every replay too, so failing here fails the same way each time; it says where.
            var condition = $"step '{step.Id}': 'when' ({when.ToString().Trim()}) failed: ";
            throw FailedBeforeAttempt(step, condition + ex.Message, condition + ex.RedactedMessage, ex);
        }
    }

    /// <summary>Reads the results of those of <paramref name="steps"/> still unread into the scope.</summary>
    private void Read(IReadOnlyList<string> steps)
    {
        for (var i = 0; i < steps.Count; i++)
        {
            if (_unread.Remove(steps[i], out var unread))
            {
                Complete(steps[i], unread.Outcome);
            }
        }
    }

    /// <summary>Makes the step's result visible to later expressions as <c>steps.&lt;id&gt;</c>.</summary>
    private void Complete(string id, StepOutcome outcome)
    {
        var first = outcome.Results.Count > 0 ? outcome.Results[0] : null;
        _steps[id] = new JsonObject
        {
            // The outcome's output is not attached anywhere else (see StepOutcome), so it is adopted, not copied.
            ["output"] = outcome.Output,
            ["skipped"] = outcome.Status == "skipped",
            ["tier"] = first?.Tier,
            ["model"] = first?.Model,
            ["metadata"] = outcome.Results.Count == 1 ? first?.Metadata?.DeepClone() : null,
        };
    }

    /// <summary>
    /// A plain step is one activity call whose response becomes the step's result. Not an async method of its own:
    /// every replay runs this for every earlier step, and an await in an orchestrator costs a state machine and a
    /// synchronization-context continuation each time.
    /// </summary>
    private Task<StepResult> RunStepAsync(StepDefinition step) => step is ForEachStep forEach
        ? RunForEachAsync(forEach)
        : CallAsync(step.Id, step, static (run, step) => run.Build(step), step is ModelStep { MayEscalate: true } ? 1 : 0, 0, -1, 0, static (responses, attempts) => new StepResult(() =>
        {
            var result = responses.Results()[0];
            return new StepOutcome(result.Output, "completed", attempts, result.DurationMs, [result with { Output = null }]);
        }));

    private List<StepCall> Build(StepDefinition step)
    {
        Read(step.DependsOn);
        return [StepCallBuilder.Build(step, _scope, Limits)];
    }

    private async Task<StepResult> RunForEachAsync(ForEachStep step)
    {
        // The item list decides how many calls there are, so it is evaluated on every replay, after its steps are read.
        Read(step.DependsOn);
        JsonNode? value;
        try
        {
            value = step.Items.Evaluate(_scope);
        }
        catch (Frugal.Expressions.ExpressionException ex)
        {
            // Evaluated on every replay too, so it fails the same way each time; like 'when', it says which step and where.
            var list = $"step '{step.Id}': 'items' ({step.Items}) failed: ";
            throw FailedBeforeAttempt(step, list + ex.Message, list + ex.RedactedMessage, ex);
        }

        if (value is not JsonArray items)
        {
            var notList = $"step '{step.Id}': 'items' ({step.Items}) must yield a list, but yielded {(value is null ? "null" : value.GetValueKind().ToString().ToLowerInvariant())}";
            throw FailedBeforeAttempt(step, notList, notList, null);
        }

        var size = Math.Max(1, step.BatchSize);
        // Not (count + size - 1) / size: with a batch_size near int.MaxValue (the schema allows it) that overflowed, and
        // the run failed on "Arithmetic operation resulted in an overflow", naming no step.
        var batches = (items.Count / size) + (items.Count % size > 0 ? 1 : 0);
        var responses = new StepResponses[batches];
        var inFlight = new Dictionary<Task<(StepResponses Response, int Attempts)>, int>();
        var escalates = step.Body is ModelStep { MayEscalate: true };
        var attempts = 0;
        var next = 0;
        while (next < batches || inFlight.Count > 0)
        {
            while (next < batches && inFlight.Count < Math.Max(1, step.Parallelism))
            {
                // Calls are built when their batch is sent, so each sees the run's limits (escalations left) as they are then.
                var first = next * size;
                var call = CallAsync(
                    step.Id,
                    (step, items, first, size),
                    static (run, batch) => run.BuildBatch(batch.step, batch.items, batch.first, batch.size),
                    escalates ? Math.Min(size, items.Count - first) : 0,
                    next,
                    first,
                    Math.Min(size, items.Count - first),
                    static (response, attempts) => (response, attempts));
                inFlight.Add(call, next);
                next++;
            }

            if (next >= batches)
            {
                // Everything is sent: wait for the rest at once. A WhenAny per completion would cost O(n^2) on every
                // replay of a wide fan-out.
                foreach (var (task, index) in inFlight)
                {
                    (responses[index], var restAttempts) = await task;
                    attempts += restAttempts;
                }

                inFlight.Clear();
                break;
            }

            var finished = await Task.WhenAny(inFlight.Keys);
            var batch = inFlight[finished];
            inFlight.Remove(finished);
            (responses[batch], var batchAttempts) = await finished;
            attempts += batchAttempts;
        }

        return new StepResult(() =>
        {
            // The outputs move into the step's list (a node has one parent); the results keep what the summary needs.
            var all = new List<CallResult>(items.Count);
            var output = new JsonArray();
            var duration = 0.0;
            foreach (var response in responses)
            {
                foreach (var result in response.Results())
                {
                    output.Add(result.Output);
                    all.Add(result with { Output = null });
                    duration += result.DurationMs;
                }
            }

            return new StepOutcome(output, "completed", attempts, duration, all);
        });
    }

    private List<StepCall> BuildBatch(ForEachStep step, JsonArray items, int first, int size)
    {
        // The batch's own count, not batch_size: a batch_size of millions over a short list asked for an array of millions.
        var count = Math.Min(size, items.Count - first);
        var calls = new List<StepCall>(count);

        // What the calls built so far surely take in the request: once that is over the host's limit, the batch is
        // refused as its converter would refuse it, before the rest is built. Built whole, 400 calls of a 1 MB text
        // each took 800 MB of strings only to be refused.
        var atLeast = 0L;
        try
        {
            for (var i = first; i < first + count; i++)
            {
                _scope["item"] = items[i]?.DeepClone();
                _scope["index"] = i;
                StepCall call;
                try
                {
                    call = StepCallBuilder.Build(step.Body, _scope, Limits);
                }
                catch (Frugal.Expressions.ExpressionException ex)
                {
                    // Which item: the step's name alone left a list of hundreds to search.
                    throw new Frugal.Expressions.ExpressionException($"item {i}: {ex.Message}", ex.Offset) { RedactedMessage = $"item {i}: {ex.RedactedMessage}" };
                }

                if (_maxRequestBytes > 0 && (atLeast += StepCallBuilder.MinRequestBytes(call)) > _maxRequestBytes)
                {
                    throw FrugalDataConverter.TooLarge(step.Id, first / size, count, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"at least {Math.Floor(atLeast / 1048576.0 * 100) / 100:0.00}"));
                }

                calls.Add(call);
            }
        }
        finally
        {
            _scope.Remove("item");
            _scope.Remove("index");
        }

        return calls;
    }
}
