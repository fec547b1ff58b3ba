namespace Frugal.Budgets;

/// <summary>A counter's state, in nano-dollars.</summary>
/// <param name="Spent">Settled spending.</param>
/// <param name="Reserved">Reservations of calls in flight.</param>
/// <param name="Seeded">Whether the counter holds its seed from the cost ledger.</param>
public readonly record struct BudgetBalance(long Spent, long Reserved, bool Seeded = false)
{
    /// <summary>
    /// The part of <see cref="Reserved"/> that no settle can release: other processes' calls a store of this process
    /// alone was seeded with from the ledger (<see cref="IBudgetStore.SeedAsync"/>), which count as spent when their
    /// leases pass. A call does not wait for these to settle.
    /// </summary>
    public long Unsettleable { get; init; }
}
