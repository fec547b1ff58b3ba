namespace Frugal.Costs;

/// <summary>
/// A call's start (<see cref="CostOutcome.Started"/>) that no record of its own has replaced and that a sum
/// (<see cref="ICostLedger.SpendAsync"/>) left out, being younger than <see cref="CostQuery.CountStartsBefore"/>: a call
/// in flight, or one whose process ended during it less than a reservation's lease ago.
/// </summary>
/// <param name="Invocation">Its invocation (<see cref="CostRecord.IsOfThisProcess"/> tells this process's calls).</param>
/// <param name="StartedAt">When the call started.</param>
/// <param name="Priced">Whether <paramref name="Dollars"/> prices the bound.</param>
/// <param name="Tier">Its tier.</param>
/// <param name="Model">Its model.</param>
/// <param name="Usage">The most it may use: its prompt and its output cap.</param>
/// <param name="Dollars">The most it may cost (0 when unpriced).</param>
public sealed record UnfinishedStart(string? Invocation, DateTimeOffset StartedAt, bool Priced, CostTier Tier, string? Model, TokenUsage Usage, decimal Dollars);
