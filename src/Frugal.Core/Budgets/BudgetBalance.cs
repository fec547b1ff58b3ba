namespace Frugal.Budgets;

/// <summary>A counter's state, in nano-dollars.</summary>
/// <param name="Spent">Settled spending.</param>
/// <param name="Reserved">Reservations of calls in flight.</param>
/// <param name="Seeded">Whether the counter holds its seed from the cost ledger.</param>
public readonly record struct BudgetBalance(long Spent, long Reserved, bool Seeded = false);
