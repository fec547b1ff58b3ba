namespace Frugal.Costs;

/// <summary>
/// What the finished records a query selects spent, summed by the ledger (<see cref="ICostLedger.SpendAsync"/>): the
/// dollars of the priced ones, and the unpriced ones grouped by what they used, since their cost is unknown and the
/// reader prices them (a budget at the dearest model's prices). Calls still in flight (<see cref="CostOutcome.Started"/>)
/// are left out: their records hold an upper bound, not a cost.
/// </summary>
/// <param name="PricedDollars">The dollars of the priced records.</param>
/// <param name="Unpriced">The unpriced records, one entry per model, usage and recorded dollars.</param>
public sealed record CostSpend(decimal PricedDollars, IReadOnlyList<UnpricedSpend> Unpriced);
