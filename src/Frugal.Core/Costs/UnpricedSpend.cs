namespace Frugal.Costs;

/// <summary>Unpriced records (<see cref="CostRecord.Priced"/> false) that share a model, a usage and recorded dollars.</summary>
/// <param name="Model">Their model.</param>
/// <param name="Usage">The usage of each of them.</param>
/// <param name="Dollars">The dollars each of them recorded (usually 0).</param>
/// <param name="Calls">How many records share these.</param>
public sealed record UnpricedSpend(string? Model, TokenUsage Usage, decimal Dollars, long Calls);
