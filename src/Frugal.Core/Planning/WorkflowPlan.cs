namespace Frugal.Planning;

/// <summary>One workflow's (or all workflows') projection at the planned scale.</summary>
/// <param name="Workflow">The workflow, or <c>(all)</c>.</param>
/// <param name="ObservedRuns">Runs in the ledger.</param>
/// <param name="RunsPerMonth">Projected runs per month: observed runs per day x 30.44 x scale.</param>
/// <param name="CostPerRun">Mean recorded dollars per run.</param>
/// <param name="MonthlyCost">Projected dollars per month.</param>
/// <param name="PremiumShare">Premium calls / all hosted-model calls.</param>
/// <param name="CacheHitRate">Calls answered from the cache / all model calls.</param>
/// <param name="GpuSecondsPerRun">Mean GPU seconds per run.</param>
/// <param name="Margin">(revenue - cost) / revenue per run; null without a revenue.</param>
/// <param name="MaxCostPerRun">The most a run may cost for the target margin; null without a revenue.</param>
/// <param name="UnpricedCalls">Calls whose cost is unknown (a model missing from the price table, GPU seconds without a
/// GPU profile, an answer that never came): the dollars above leave them out, so they are lower bounds and the margin
/// an upper bound.</param>
public sealed record WorkflowPlan(
    string Workflow,
    int ObservedRuns,
    double RunsPerMonth,
    decimal CostPerRun,
    decimal MonthlyCost,
    double PremiumShare,
    double CacheHitRate,
    double GpuSecondsPerRun,
    double? Margin,
    decimal? MaxCostPerRun,
    long UnpricedCalls = 0)
{
    /// <summary>
    /// Whether the run cost meets the target margin: null without a revenue, and null (not known) when the recorded cost
    /// meets it but unpriced calls could add any amount to it (it said true, while the margin was only an upper bound).
    /// </summary>
    public bool? MeetsTarget => MaxCostPerRun is not { } max ? null
        : CostPerRun > max ? false
        : UnpricedCalls > 0 ? null
        : true;
}
