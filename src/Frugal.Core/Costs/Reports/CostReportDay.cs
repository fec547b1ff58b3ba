namespace Frugal.Costs.Reports;

/// <summary>One UTC day of a cost report's time series: tier mix and cache savings.</summary>
public sealed record CostReportDay
{
    /// <summary>The UTC day, <c>yyyy-MM-dd</c>.</summary>
    public required string Date { get; init; }

    /// <summary>Calls that day.</summary>
    public long Calls { get; init; }

    /// <summary>Calls per tier (<c>cheap</c>, <c>premium</c>, <c>onnx</c>, <c>deterministic</c>, <c>none</c>).</summary>
    public required IReadOnlyDictionary<string, long> CallsByTier { get; init; }

    /// <summary>Dollars per tier.</summary>
    public required IReadOnlyDictionary<string, decimal> DollarsByTier { get; init; }

    /// <summary>Cache hits that day.</summary>
    public long CacheHits { get; init; }

    /// <summary>Dollars the cache saved that day.</summary>
    public decimal SavedDollars { get; init; }
}
