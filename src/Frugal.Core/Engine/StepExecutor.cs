using Frugal.Classification;
using Frugal.Models;

namespace Frugal.Engine;

/// <summary>Executes the calls of one step attempt, each with the handler for its kind.</summary>
public sealed class StepExecutor
{
    private readonly ComplexityClassifierRegistry _classifiers;
    private readonly ModelStepHandler _models;
    private readonly TimeProvider _time;

    /// <summary>Creates the executor.</summary>
    public StepExecutor(ComplexityClassifierRegistry classifiers, ModelStepHandler models, TimeProvider time)
    {
        _classifiers = classifiers;
        _models = models;
        _time = time;
    }

    /// <summary>Runs every call of the request; model calls of a batch run concurrently.</summary>
    public async Task<StepResponse> ExecuteAsync(StepRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var tasks = request.Calls.Select(call => ExecuteCallAsync(call, cancellationToken)).ToArray();
        var results = await Task.WhenAll(tasks).ConfigureAwait(false);
        return new StepResponse(results);
    }

    private async Task<CallResult> ExecuteCallAsync(StepCall call, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        var result = call switch
        {
            DeterministicCall d => DeterministicStepHandler.Execute(d),
            ClassifyCall c => await _classifiers.ClassifyAsync(c, cancellationToken).ConfigureAwait(false),
            ModelCall m => await _models.ExecuteAsync(m, cancellationToken).ConfigureAwait(false),
            _ => throw new StepInputException($"no handler for {call.GetType().Name}"),
        };
        return result with { DurationMs = _time.GetElapsedTime(started).TotalMilliseconds };
    }
}
