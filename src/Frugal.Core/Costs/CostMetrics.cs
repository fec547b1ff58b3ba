using System.Diagnostics.Metrics;

namespace Frugal.Costs;

/// <summary>Frugal's cost instruments on the <c>Frugal</c> meter.</summary>
internal static class CostMetrics
{
    public const string MeterName = "Frugal";

    private static readonly Meter Meter = new(MeterName);

    /// <summary>Cost records written unpriced (tagged with tier, model and workflow), counted by <see cref="Frugal.Telemetry.FrugalMetrics.Record"/>.</summary>
    public static readonly Counter<long> Unpriced = Meter.CreateCounter<long>(
        "frugal.cost.unpriced", unit: "{call}", description: "Cost records nobody could price: a model missing from the price table, GPU seconds without a GPU profile, a call whose usage is unknown.");
}
