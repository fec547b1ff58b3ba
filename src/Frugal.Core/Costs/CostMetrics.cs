using System.Diagnostics.Metrics;

namespace Frugal.Costs;

/// <summary>Frugal's cost instruments on the <c>Frugal</c> meter.</summary>
internal static class CostMetrics
{
    public const string MeterName = "Frugal";

    private static readonly Meter Meter = new(MeterName);

    /// <summary>Calls whose model was missing from the price table (tagged with the model).</summary>
    public static readonly Counter<long> Unpriced = Meter.CreateCounter<long>(
        "frugal.cost.unpriced", unit: "{call}", description: "Calls whose model is missing from the price table.");
}
