using Frugal.Classification;
using Frugal.Models;
using Frugal.Workflows;

namespace Frugal.Engine;

/// <summary>Executes the calls of one step attempt, each with the handler for its kind.</summary>
public sealed class StepExecutor
{
    private readonly ComplexityClassifierRegistry _classifiers;
    private readonly ModelStepHandler _models;
    private readonly TimeProvider _time;
    private readonly StepCostRecorder? _costs;
    private readonly SemanticLookupHandler? _semantic;

    /// <summary>
    /// Creates the executor; with a <see cref="StepCostRecorder"/> every call writes a cost record; with a
    /// <see cref="SemanticLookupHandler"/> lookups may match by meaning (<c>match: semantic</c>).
    /// </summary>
    public StepExecutor(ComplexityClassifierRegistry classifiers, ModelStepHandler models, TimeProvider time, StepCostRecorder? costs = null, SemanticLookupHandler? semantic = null)
    {
        _classifiers = classifiers;
        _models = models;
        _time = time;
        _costs = costs;
        _semantic = semantic;
    }

    /// <summary>Runs every call of the request; model calls of a batch run concurrently.</summary>
    public async Task<StepResponse> ExecuteAsync(StepRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Error is { } error)
        {
            throw new StepInputException(error)
            {
                RedactedMessage = request.RedactedError ?? $"step '{request.StepId}': its calls could not be built from this run's data (the reason is left out: it may quote that data)",
            };
        }

        var escalations = new EscalationAllowance(request.Calls.OfType<ModelCall>().Select(c => c.EscalationsLeft).DefaultIfEmpty(0).Min());
        var tasks = request.Calls.Select((call, index) => ExecuteAndRecordAsync(request, index, call, escalations, cancellationToken)).ToArray();
        try
        {
            return new StepResponse(await Task.WhenAll(tasks).ConfigureAwait(false));
        }
        catch (Exception) when (tasks.Length > 1 && tasks.Any(t => t.IsCompletedSuccessfully))
        {
            // Some calls of a batch failed and others were answered, and paid for. Failing the activity would make the
            // retry run (and pay for) the answered ones again; report both instead, and the orchestrator sends only
            // the failed calls again. When every call fails, the activity fails as it always has.
            return Partial(tasks);
        }
    }

    private static StepResponse Partial(Task<CallResult>[] tasks)
    {
        var results = new CallResult[tasks.Length];
        var failed = new List<int>();
        for (var i = 0; i < tasks.Length; i++)
        {
            if (tasks[i].IsCompletedSuccessfully)
            {
                results[i] = tasks[i].Result;
                continue;
            }

            failed.Add(i);
            Exception error = tasks[i].Exception?.InnerException ?? new OperationCanceledException();
            var failure = new CallFailure(error.GetType().FullName!, error.Message, StepFailures.IsRetryable(error)) { RedactedMessage = Telemetry.TenantTextPolicy.Redact(error) };
            results[i] = new CallResult(null, "none") { Failure = failure };
        }

        return new StepResponse(results) { Failed = failed };
    }

    /// <summary>
    /// Runs a call and, when costs are on, waits until its record is durable before reporting success, so the
    /// activity never completes with its cost unrecorded; a failed call is recorded as failed and rethrown.
    /// </summary>
    private async Task<CallResult> ExecuteAndRecordAsync(StepRequest request, int index, StepCall call, EscalationAllowance escalations, CancellationToken cancellationToken)
    {
        if (_costs is null)
        {
            return await ExecuteCallAsync(request, index, call, escalations, null, null, cancellationToken).ConfigureAwait(false);
        }

        var startedAt = _time.GetUtcNow();

        // A hosted model call is paid for once sent, even if this process dies before it answers: a durable start
        // just before it is sent (once its budget admits it: FrugalChatContext.BeforeSend), which the call's own record
        // replaces, so a kill leaves it in the ledger as unfinished. Only those calls: deterministic and classify steps
        // spend nothing and do not pay for the extra write. Written once, however many tiers the call then asks.
        string? started = null;
        Func<CancellationToken, Task>? beforeSend = call is ModelCall { Tier: ModelTier.Cheap or ModelTier.Premium } model
            ? async token => started ??= await _costs.RecordStartAsync(request, index, model, startedAt, token).ConfigureAwait(false)
            : null;
        CallResult result;
        BilledBeforeFailure? billed = null;
        try
        {
            result = await ExecuteCallAsync(request, index, call, escalations, b => billed = b, beforeSend, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await _costs.RecordAsync(request, index, call, null, startedAt, ex, billed, cancellationToken, started).ConfigureAwait(false);
            throw;
        }

        await _costs.RecordAsync(request, index, call, result, startedAt, null, null, cancellationToken, started).ConfigureAwait(false);
        return result;
    }

    private async Task<CallResult> ExecuteCallAsync(
        StepRequest request, int index, StepCall call, EscalationAllowance escalations, Action<BilledBeforeFailure>? billedBeforeFailure,
        Func<CancellationToken, Task>? beforeSend, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        var result = call switch
        {
            DeterministicCall { Operation: DeterministicOperation.Lookup, Match: LookupMatch.Semantic } d => await (_semantic
                ?? throw new StepInputException("match: semantic needs an embedding model: set Frugal:Inference:Endpoint (Frugal's inference app), or run where the ONNX models ship (the frugal CLI)"))
                .ExecuteAsync(d, cancellationToken).ConfigureAwait(false),
            DeterministicCall d => DeterministicStepHandler.Execute(d),
            ClassifyCall c => await _classifiers.ClassifyAsync(c, cancellationToken).ConfigureAwait(false),
            ModelCall m => await _models.ExecuteAsync(m, request, index, escalations, billedBeforeFailure, cancellationToken, beforeSend).ConfigureAwait(false),
            _ => throw new StepInputException($"no handler for {call.GetType().Name}"),
        };
        return result with { DurationMs = _time.GetElapsedTime(started).TotalMilliseconds };
    }
}
