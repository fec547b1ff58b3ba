namespace Frugal.Budgets;

/// <summary>
/// One call's reservation as a store keeps it: its amount is held on each counter until the call settles, or until
/// <paramref name="Lease"/> has passed, when the store takes the call to be one nothing will settle (its host stopped:
/// killed, scaled in, redeployed; or its settle could not reach the store) and counts the amount as spent, the call's
/// cost being unknown. Without the lease, each call in flight when a host stopped kept its maximum cost reserved for the
/// rest of the month on a shared store, where calls waited for it; released instead, an unsettled call's spend was lost.
/// </summary>
/// <param name="Id">Unique per reservation.</param>
/// <param name="Amount">The nano-dollars held.</param>
/// <param name="Lease">How long the hold lasts unsettled (<see cref="BudgetOptions.ReservationLease"/>).</param>
public sealed record BudgetHold(string Id, long Amount, TimeSpan Lease);
