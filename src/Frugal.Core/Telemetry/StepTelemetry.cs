using System.Diagnostics;
using Frugal.Costs;
using Frugal.Engine;

namespace Frugal.Telemetry;

/// <summary>
/// The <c>frugal.step</c> span of one step attempt (in the activity; in the orchestrator, attempt 0, for a step whose
/// <c>when</c> or <c>items</c> failed before its first) and the step-failure metric.
/// </summary>
public static class StepTelemetry
{
    private const string TallyProperty = "frugal.cost.tally";

    /// <summary>Starts the span of a step attempt (null when nobody listens).</summary>
    /// <param name="request">The attempt.</param>
    /// <returns>The span.</returns>
    public static Activity? Start(StepRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var activity = FrugalTelemetry.Source.StartActivity($"frugal.step {request.StepId}", ActivityKind.Internal);
        activity?.SetTag("frugal.run.id", request.RunId)
            .SetTag("frugal.workflow", request.Workflow)
            .SetTag("frugal.tenant", request.Tenant)
            .SetTag("frugal.step", request.StepId)
            .SetTag("frugal.attempt", request.Attempt)
            .SetTag("frugal.calls", request.Calls.Count);
        activity?.SetCustomProperty(TallyProperty, new CostTally());
        return activity;
    }

    /// <summary>
    /// Adds a cost record to the span of the step attempt it belongs to (the nearest <c>frugal.step</c> span around
    /// the current one), so that the span says what the ledger says: the cheap attempt an escalation replaced, timed-out
    /// attempts and GPU time included. Pricing the step's answers again for the span missed those, and counted each
    /// unpriced call a second time in <c>frugal.cost.unpriced</c>.
    /// </summary>
    /// <param name="record">The record, as written to the ledger.</param>
    public static void Count(CostRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        Count(CurrentTally(), record);
    }

    /// <summary>
    /// The tally of the step attempt whose span is around the current one (null outside one), for
    /// <see cref="Count(object?, CostRecord)"/> to add a record to later, on another thread (the cost recorder's commit loop).
    /// </summary>
    internal static object? CurrentTally()
    {
        for (var span = Activity.Current; span is not null; span = span.Parent)
        {
            if (span.GetCustomProperty(TallyProperty) is CostTally tally)
            {
                return tally;
            }
        }

        return null;
    }

    /// <summary>Adds <paramref name="record"/> to <paramref name="tally"/> (from <see cref="CurrentTally"/>), if any.</summary>
    internal static void Count(object? tally, CostRecord record) => (tally as CostTally)?.Add(record);

    /// <summary>
    /// Tags the span with what the attempt used: tiers, models, tokens and dollars of its cost records. An attempt some
    /// of whose calls failed (<see cref="StepResponse.Failed"/>: the orchestrator sends those again) is a failed attempt:
    /// its span has error status, described as <paramref name="text"/> lets telemetry say for the run's tenant, and
    /// <c>frugal.step.failures</c> counts it, as it counts an attempt that failed whole.
    /// </summary>
    /// <param name="activity">The span.</param>
    /// <param name="request">The attempt.</param>
    /// <param name="response">The attempt's results.</param>
    /// <param name="text">Whose text telemetry may carry.</param>
    public static void Complete(Activity? activity, StepRequest request, StepResponse response, TenantTextPolicy text)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(text);
        var failure = response.Failed is [var first, ..] ? response.Results[first].Failure : null;
        if (failure is not null)
        {
            CountFailure(request, failure.Type);
        }

        if (activity is null)
        {
            return;
        }

        // A failed call's result names no tier ("none"): the tiers are those that answered.
        activity.SetTag("frugal.tier", string.Join(",", response.Results.Where(r => r.Failure is null).Select(r => r.Tier).Distinct()));
        if (activity.GetCustomProperty(TallyProperty) is CostTally tally)
        {
            tally.Tag(activity);
        }

        if (failure is null)
        {
            activity.SetStatus(ActivityStatusCode.Ok);
        }
        else
        {
            activity.SetStatus(ActivityStatusCode.Error, text.Describe(failure, request.Tenant))
                .SetTag("error.type", failure.Type);
        }
    }

    /// <summary>
    /// Marks the span failed and counts the failure. The span's description is what <paramref name="text"/> lets
    /// telemetry say for the run's tenant: the message itself quoted an answer or a service's error body (which may
    /// echo the prompt) for tenants whose text is not to be kept.
    /// </summary>
    /// <param name="activity">The span.</param>
    /// <param name="request">The attempt.</param>
    /// <param name="exception">Why it failed.</param>
    /// <param name="text">Whose text telemetry may carry.</param>
    public static void Fail(Activity? activity, StepRequest request, Exception exception, TenantTextPolicy text)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(exception);
        ArgumentNullException.ThrowIfNull(text);
        if (activity?.GetCustomProperty(TallyProperty) is CostTally tally)
        {
            tally.Tag(activity);
        }

        activity?.SetStatus(ActivityStatusCode.Error, text.Describe(exception, request.Tenant))
            .SetTag("error.type", exception.GetType().FullName);
        CountFailure(request, exception.GetType().FullName!);
    }

    private static void CountFailure(StepRequest request, string errorType) => FrugalMetrics.StepFailures.Add(
        1,
        new KeyValuePair<string, object?>("frugal.workflow", request.Workflow),
        new KeyValuePair<string, object?>("frugal.step", request.StepId),
        new KeyValuePair<string, object?>("error.type", errorType)); // as on the span: the conventions' fully qualified name

    /// <summary>
    /// What a step attempt's cost records add up to. Its calls run concurrently (a foreach batch), hence the lock.
    /// Tokens are tagged <c>frugal.usage.*</c>, not <c>gen_ai.usage.*</c>: the chat spans under the step carry those,
    /// and a backend that sums <c>gen_ai.usage</c> over a trace would count every call twice.
    /// </summary>
    private sealed class CostTally
    {
        private readonly Lock _lock = new();
        private readonly SortedSet<string> _models = new(StringComparer.Ordinal);
        private long _input;
        private long _output;
        private decimal _dollars;
        private int _unpriced;
        private double _gpuSeconds;

        public void Add(CostRecord record)
        {
            lock (_lock)
            {
                _input += record.InputTokens;
                _output += record.OutputTokens;
                _dollars += record.Dollars;
                _unpriced += record.Priced ? 0 : 1;
                _gpuSeconds += record.GpuSeconds;
                if (record.Model is { Length: > 0 } model)
                {
                    _models.Add(model);
                }
            }
        }

        public void Tag(Activity activity)
        {
            lock (_lock)
            {
                if (_models.Count > 0)
                {
                    activity.SetTag("gen_ai.request.model", string.Join(",", _models));
                }

                activity.SetTag("frugal.usage.input_tokens", _input)
                    .SetTag("frugal.usage.output_tokens", _output)
                    .SetTag("frugal.cost.dollars", (double)_dollars);
                if (_unpriced > 0)
                {
                    activity.SetTag("frugal.cost.unpriced", _unpriced);
                }

                if (_gpuSeconds > 0)
                {
                    activity.SetTag("frugal.gpu.seconds", _gpuSeconds);
                }
            }
        }
    }
}
