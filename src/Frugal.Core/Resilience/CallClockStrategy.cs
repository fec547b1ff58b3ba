using Polly;

namespace Frugal.Resilience;

/// <summary>
/// Notes when a model call began, in its resilience context, so the retry can tell how much of the call's total time is
/// left. Polly's timeout strategy keeps its deadline to itself, and nothing else in the pipeline knows when the call
/// started; a strategy this small has no library equivalent.
/// </summary>
internal sealed class CallClockStrategy(TimeProvider time) : ResilienceStrategy
{
    private static readonly ResiliencePropertyKey<long> Started = new("frugal-call-started");

    /// <summary>How long ago the call of <paramref name="context"/> began; zero when this strategy did not see it begin.</summary>
    public static TimeSpan Elapsed(ResilienceContext context, TimeProvider time) =>
        context.Properties.TryGetValue(Started, out var started) ? time.GetElapsedTime(started) : TimeSpan.Zero;

    /// <inheritdoc />
    protected override ValueTask<Outcome<TResult>> ExecuteCore<TResult, TState>(
        Func<ResilienceContext, TState, ValueTask<Outcome<TResult>>> callback, ResilienceContext context, TState state)
    {
        context.Properties.Set(Started, time.GetTimestamp());
        return callback(context, state);
    }
}
