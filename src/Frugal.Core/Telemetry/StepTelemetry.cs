using System.Diagnostics;
using Frugal.Costs;
using Frugal.Engine;

namespace Frugal.Telemetry;

/// <summary>The <c>frugal.step</c> span of one step attempt (in the activity) and the step-failure metric.</summary>
public sealed class StepTelemetry
{
    private readonly PriceTable? _prices;

    /// <summary>Creates the helper; with a price table the span carries the attempt's dollars.</summary>
    /// <param name="prices">The price table, if costs are on.</param>
    public StepTelemetry(PriceTable? prices = null)
    {
        _prices = prices;
    }

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
        return activity;
    }

    /// <summary>Tags the span with what the attempt used: tiers, models, tokens and dollars.</summary>
    /// <param name="activity">The span.</param>
    /// <param name="response">The attempt's results.</param>
    public void Complete(Activity? activity, StepResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (activity is null)
        {
            return;
        }

        var results = response.Results;
        decimal dollars = 0m;
        foreach (var r in results.Where(r => r.Model is not null && r.Tier is "cheap" or "premium"))
        {
            dollars += _prices?.Price(r.Model, new TokenUsage(r.InputTokens, r.CachedInputTokens, r.OutputTokens, r.ReasoningTokens)).Dollars ?? 0m;
        }

        activity.SetTag("frugal.tier", string.Join(",", results.Select(r => r.Tier).Distinct()))
            .SetTag("gen_ai.request.model", string.Join(",", results.Select(r => r.Model).OfType<string>().Distinct()))
            .SetTag("gen_ai.usage.input_tokens", results.Sum(r => r.InputTokens))
            .SetTag("gen_ai.usage.output_tokens", results.Sum(r => r.OutputTokens))
            .SetTag("frugal.cost.dollars", (double)dollars)
            .SetStatus(ActivityStatusCode.Ok);
    }

    /// <summary>Marks the span failed and counts the failure.</summary>
    /// <param name="activity">The span.</param>
    /// <param name="request">The attempt.</param>
    /// <param name="exception">Why it failed.</param>
    public static void Fail(Activity? activity, StepRequest request, Exception exception)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(exception);
        activity?.SetStatus(ActivityStatusCode.Error, exception.Message)
            .SetTag("error.type", exception.GetType().FullName);
        FrugalMetrics.StepFailures.Add(
            1,
            new KeyValuePair<string, object?>("frugal.workflow", request.Workflow),
            new KeyValuePair<string, object?>("frugal.step", request.StepId),
            new KeyValuePair<string, object?>("error.type", exception.GetType().Name));
    }
}
