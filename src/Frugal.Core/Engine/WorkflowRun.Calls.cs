using System.IO.Hashing;
using System.Text;
using Microsoft.DurableTask;

namespace Frugal.Engine;

/// <summary>A run's activity calls: one per step attempt, retried (a batch only in its failed calls) with backoff.</summary>
internal sealed partial class WorkflowRun
{
    private const int MaxAttempts = 3;

    /// <summary>
    /// Calls the activity, retrying failed attempts with backoff. Retries are explicit here rather than a
    /// <see cref="TaskRetryOptions"/> so every attempt carries its number (cost records are keyed by it).
    /// </summary>
    /// <remarks>
    /// While the orchestrator replays, the call it schedules is already in the history: Durable Task matches it by
    /// name and order and never sends it again, and it does not compare inputs. So a replayed call is scheduled
    /// without an input, and <paramref name="build"/> (expression evaluation) runs only for calls that are sent.
    /// Without this every replay evaluated and serialised every earlier step's request again. <paramref name="build"/>
    /// and <paramref name="complete"/> are static and take their state as arguments, so a replayed call allocates no
    /// closures for them.
    /// </remarks>
    private async Task<TResult> CallAsync<TState, TResult>(
        string stepId,
        TState state,
        Func<WorkflowRun, TState, IReadOnlyList<StepCall>> build,
        int mayEscalate,
        int batch,
        int firstItem,
        int itemCount,
        Func<StepResponses, int, TResult> complete)
    {
        // The run's escalations left are shared by the calls in flight: each request gets (and holds until it is
        // done) as many as it has calls that may escalate, while any are left. Counting only escalations that had
        // happened let parallel steps, or a foreach's parallel batches, each see the whole allowance and pass
        // limits.max_escalations together. Reserved before the first await, in a replay as in the first execution,
        // so every replay grants the same.
        var grant = Math.Min(mayEscalate, Math.Max(0, _definition.MaxEscalations - _escalations - _escalationsReserved));
        _escalationsReserved += grant;
        IReadOnlyList<StepCall>? calls = null;
        var responses = new StepResponses();

        // Escalations this step's answered calls made: a batch retried for its failed calls sends them with what is left
        // of the grant (they were sent with all of it, and a foreach passed max_escalations by what the first attempt used).
        var escalated = 0;

        // The batch positions still to answer, once some calls of a batch failed and others were answered; null: all.
        int[]? pending = null;
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                StepRequest? request = null;
                if (!_context.IsReplaying)
                {
                    _grant = Math.Max(0, grant - escalated);
                    request = Request(build, state, ref calls, pending, stepId, attempt, batch, firstItem);
                }

                try
                {
                    var response = await _context.CallActivityAsync<StepResponseJson>(ExecuteStepActivity.Name, request);
                    responses.Add(response, pending);
                    if (mayEscalate > 0)
                    {
                        // Only model calls escalate; their count limits later calls, so a model step's response is read at once.
                        foreach (var result in response.Value.Results)
                        {
                            escalated += result.Escalated ? 1 : 0;
                            _escalations += result.Escalated ? 1 : 0;
                        }
                    }

                    if (!response.HasFailures)
                    {
                        return complete(responses, attempt);
                    }

                    pending = FailedCalls(response.Value, pending, stepId, attempt, batch >= 0 ? firstItem : -1);
                    await _context.CreateTimer(RetryDelay(attempt, CircuitBreakLeft(response.Value), stepId), CancellationToken.None);
                }
                catch (TaskFailedException ex)
                {
                    var retryable = StepFailures.IsRetryable(ex.FailureDetails);
                    if (attempt >= MaxAttempts || !retryable)
                    {
                        throw StepFailedException.From(stepId, attempt, ex.FailureDetails.ErrorMessage, badInput: !retryable, ex, Items(firstItem, itemCount, pending));
                    }

                    Log.StepRetrying(_log, _context.InstanceId, stepId, attempt, ex.FailureDetails.ErrorType);
                    var breakLeft = StepFailures.IsCausedBy<Models.ModelCircuitOpenException>(ex.FailureDetails)
                        ? Models.ModelCircuitOpenException.BreakLeftIn(ex.FailureDetails.ErrorMessage) ?? DefaultCircuitBreak
                        : (TimeSpan?)null;
                    await _context.CreateTimer(RetryDelay(attempt, breakLeft, stepId), CancellationToken.None);
                }
            }
        }
        finally
        {
            _escalationsReserved -= grant;
        }
    }

    /// <summary>
    /// The request of an attempt: the step's calls (built on first use: a replay does not build them), or those at
    /// <paramref name="pending"/> after some calls of a batch failed. When the calls cannot be built (an expression
    /// that fails on this run's data), the request carries the error instead and the activity fails with it. Failing
    /// the orchestrator here would not do: Durable Task ends a run only once no activity is in flight, and a replay
    /// does not build calls again (it only schedules them), so the activities it scheduled would no longer line up
    /// with the history, and another step's result would be taken for this one's. Not part of <see cref="CallAsync"/>:
    /// a closure over its locals is allocated on every call, replays included.
    /// </summary>
    private StepRequest Request<TState>(
        Func<WorkflowRun, TState, IReadOnlyList<StepCall>> build,
        TState state,
        ref IReadOnlyList<StepCall>? calls,
        int[]? pending,
        string stepId,
        int attempt,
        int batch,
        int firstItem)
    {
        try
        {
            calls ??= build(this, state);
        }
        catch (DurableMessageTooLargeException ex)
        {
            // A batch over the host's limit (BuildBatch): its message names the step and quotes none of the run's data.
            return NewRequest(stepId, attempt, [], batch, firstItem) with { Error = ex.Message, RedactedError = ex.Message };
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return NewRequest(stepId, attempt, [], batch, firstItem) with
            {
                Error = $"step '{stepId}': {ex.Message}",
                RedactedError = $"step '{stepId}': {Telemetry.TenantTextPolicy.Redact(ex)}",
            };
        }

        if (pending is null)
        {
            return NewRequest(stepId, attempt, calls, batch, firstItem);
        }

        var subset = new StepCall[pending.Length];
        var items = new int[pending.Length];
        for (var i = 0; i < pending.Length; i++)
        {
            subset[i] = calls[pending[i]];
            items[i] = firstItem + pending[i];
        }

        return NewRequest(stepId, attempt, subset, batch, firstItem) with { Items = items };
    }

    /// <summary>A request of this run (its workflow, version, tenant and execution) for one attempt at a step.</summary>
    private StepRequest NewRequest(string stepId, int attempt, IReadOnlyList<StepCall> calls, int batch, int firstItem) =>
        new(_request.Workflow, _request.Hash, _request.Tenant, stepId, attempt, calls, batch, firstItem) { Execution = _request.Execution };

    /// <summary>
    /// The batch positions to send again after some calls of <paramref name="response"/> failed; throws (failing the
    /// run) when a failure is bad input or the attempts are spent. Not part of <see cref="CallAsync"/>: its locals
    /// would enlarge that method's state machine, which every replay allocates for every call.
    /// </summary>
    private int[] FailedCalls(StepResponse response, int[]? sent, string stepId, int attempt, int firstItem)
    {
        var failed = response.Failed!;
        var first = response.Results[failed[0]].Failure!;
        int[] pending = [.. failed.Select(k => sent is null ? k : sent[k])];
        if (attempt >= MaxAttempts || failed.Any(k => !response.Results[k].Failure!.Retryable))
        {
            // Which items of the foreach's list (as 'index' counts them): "1 call(s) of the batch" left a list of
            // hundreds to search for the one the content filter refused.
            var items = Items(firstItem, pending.Length, pending) is { } which ? $" ({which})" : string.Empty;
            throw new StepFailedException(
                $"step '{stepId}': {pending.Length} call(s) of the batch failed after {attempt} attempt(s){items}, the first: {first.Message}")
            {
                StepId = stepId,
                Attempts = attempt,
            };
        }

        Log.StepRetrying(_log, _context.InstanceId, stepId, attempt, $"{pending.Length} of {response.Results.Count} calls: {first.Type}");
        return pending;
    }

    /// <summary>
    /// The foreach items of an attempt, as 'index' counts them: those at the batch positions <paramref name="pending"/>
    /// ("items 3, 9"), or the whole batch ("item 3", "items 8-15"); null outside a foreach. Named when its activity
    /// failed as a whole, and when some of its calls failed for good (<see cref="FailedCalls"/>). With the default
    /// batch_size of 1 every item's failure is its activity's, and the run's failure ("step 'each': pattern took longer
    /// than 200 ms") left a list of hundreds to search for the item.
    /// </summary>
    private static string? Items(int firstItem, int itemCount, int[]? pending) =>
        firstItem < 0 ? null
        : pending is not null ? (pending.Length == 1 ? "item " : "items ") + string.Join(", ", pending.Take(10).Select(k => firstItem + k)) + (pending.Length > 10 ? ", ..." : string.Empty)
        : itemCount == 1 ? $"item {firstItem}"
        : $"items {firstItem}-{firstItem + itemCount - 1}";

    /// <summary>The default circuit break (<see cref="Resilience.ModelResilienceOptions.CircuitBreakDuration"/>), waited
    /// when a circuit's failure does not say how long it stays open.</summary>
    private static readonly TimeSpan DefaultCircuitBreak = TimeSpan.FromSeconds(15);

    /// <summary>
    /// The wait before attempt <paramref name="attempt"/> + 1: 1 s, then 2 s; or, when a model's circuit was open, the
    /// rest of its break (<paramref name="circuitBreakLeft"/>, as the failure said), a second more and up to 15 s of
    /// spread, so that the steps held back come back over a while rather than all on the moment the circuit lets one
    /// trial call through (and refuses the rest). The spread is a hash of the run and the step, and the break comes from
    /// the failure in the history, so a replay waits the same. A durable timer: nothing runs while it waits.
    /// </summary>
    private TimeSpan RetryDelay(int attempt, TimeSpan? circuitBreakLeft, string stepId)
    {
        if (circuitBreakLeft is not { } left)
        {
            return TimeSpan.FromSeconds(attempt);
        }

        var spread = XxHash32.HashToUInt32(Encoding.UTF8.GetBytes($"{_context.InstanceId}/{stepId}/{attempt}")) % 15_000;
        return left + TimeSpan.FromMilliseconds(1_000 + spread);
    }

    /// <summary>The longest break left of the open circuits that held back calls of a batch; null when none did.</summary>
    private static TimeSpan? CircuitBreakLeft(StepResponse response)
    {
        TimeSpan? longest = null;
        foreach (var k in response.Failed!)
        {
            if (response.Results[k].Failure is { } failure && failure.Type == typeof(Models.ModelCircuitOpenException).FullName)
            {
                var left = Models.ModelCircuitOpenException.BreakLeftIn(failure.Message) ?? DefaultCircuitBreak;
                longest = longest is { } l && l > left ? l : left;
            }
        }

        return longest;
    }
}
