namespace Frugal.Budgets;

/// <summary>A spending counter a reservation must fit in.</summary>
/// <param name="Key">The counter's store key (all counters of one reservation share the tenant's hash slot).</param>
/// <param name="Limit">The limit in nano-dollars.</param>
/// <param name="TimeToLive">How long the store keeps the counter after its last change.</param>
/// <param name="FromLedger">Whether the counter starts from the cost ledger (a tenant's month): a reservation on it
/// needs that seed in the store, and a store that lost it (a cache restart) says so instead of counting from zero.</param>
public readonly record struct BudgetCounter(string Key, long Limit, TimeSpan TimeToLive, bool FromLedger = false);
