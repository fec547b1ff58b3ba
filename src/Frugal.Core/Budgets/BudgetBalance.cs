namespace Frugal.Budgets;

/// <summary>A counter's state, in nano-dollars.</summary>
/// <param name="Spent">Settled spending.</param>
/// <param name="Reserved">Reservations of calls in flight.</param>
public readonly record struct BudgetBalance(long Spent, long Reserved);
