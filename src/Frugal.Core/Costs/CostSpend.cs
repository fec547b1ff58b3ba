namespace Frugal.Costs;

/// <summary>
/// What the finished records a query selects spent, summed by the ledger (<see cref="ICostLedger.SpendAsync"/>): the
/// dollars of the priced ones, and the unpriced ones grouped by what they used, since their cost is unknown and the
/// reader prices them (a budget at the dearest model's prices). Calls' starts (<see cref="CostOutcome.Started"/>) hold an
/// upper bound, not a cost: left out, but for those <see cref="CostQuery.CountStartsBefore"/> counts at their bound, and
/// listed apart (<see cref="Unfinished"/>).
/// </summary>
/// <param name="PricedDollars">The dollars of the priced records.</param>
/// <param name="Unpriced">The unpriced records, one entry per model, usage and recorded dollars.</param>
public sealed record CostSpend(decimal PricedDollars, IReadOnlyList<UnpricedSpend> Unpriced)
{
    /// <summary>
    /// The starts left out of the sums, one by one: those at or after <see cref="CostQuery.CountStartsBefore"/> (every
    /// start without it). A budget store of one process holds those of other processes' calls as their reservations.
    /// </summary>
    public IReadOnlyList<UnfinishedStart> Unfinished { get; init; } = [];
}
