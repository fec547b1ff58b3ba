namespace Frugal.Budgets;

/// <summary>What <see cref="BudgetGuard.ReserveAsync"/> decided for a call.</summary>
/// <param name="Counters">The counters reserved on (empty when no budget applies).</param>
/// <param name="Amount">The nano-dollars reserved.</param>
/// <param name="Downgrade">True when the call must go to the cheap tier instead (nothing was reserved).</param>
public sealed record BudgetReservation(IReadOnlyList<BudgetCounter> Counters, long Amount, bool Downgrade = false)
{
    /// <summary>Names the hold on the store, so that settling releases this reservation and no other.</summary>
    public string Id { get; init; } = Guid.NewGuid().ToString("N");

    /// <summary>The tenant the call is for: a counter its settle finds without its seed is seeded from its records.</summary>
    public string Tenant { get; init; } = string.Empty;

    /// <summary>The run the call is for, whose per-run counter is seeded from its records when the store lost it.</summary>
    public string RunId { get; init; } = string.Empty;
}
