namespace Frugal.Costs;

/// <summary>
/// Unpriced records (<see cref="CostRecord.Priced"/> false) that share a tier, a model, a usage and recorded dollars.
/// </summary>
/// <param name="Tier">Their tier: an onnx call's tokens are its classifier's word pieces, which no price per token prices.</param>
/// <param name="Model">Their model.</param>
/// <param name="Usage">The usage of each of them.</param>
/// <param name="Dollars">The dollars each of them recorded (usually 0).</param>
/// <param name="Calls">How many records share these.</param>
public sealed record UnpricedSpend(CostTier Tier, string? Model, TokenUsage Usage, decimal Dollars, long Calls);
