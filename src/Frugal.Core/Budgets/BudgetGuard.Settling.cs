namespace Frugal.Budgets;

/// <summary>Settling a call's reservation with what it cost.</summary>
public sealed partial class BudgetGuard
{
    /// <summary>
    /// Releases a reservation and counts the actual cost, trying again for a while when the store does not answer
    /// (settling is idempotent: a reservation is counted once however often its settle is sent). A counter the store lost
    /// during the call (a Redis restart or flush) is seeded from the ledger first, then the call is counted on top: the
    /// ledger does not hold the call yet, its record being written after its settle.
    /// </summary>
    /// <param name="reservation">The reservation.</param>
    /// <param name="actual">The call's actual cost in nano-dollars (zero when it failed).</param>
    /// <returns>A task that completes when settled.</returns>
    /// <exception cref="BudgetStoreUnavailableException">The store did not answer through the retries.</exception>
    public async Task SettleAsync(BudgetReservation reservation, long actual)
    {
        ArgumentNullException.ThrowIfNull(reservation);
        if (reservation.Counters.Count == 0)
        {
            return;
        }

        // Settling must not be cancelled with the call: a leaked reservation would shrink the budget until it expires.
        var hold = new BudgetHold(reservation.Id, reservation.Amount, _options.ReservationLease);
        for (var attempt = 1; ; attempt++)
        {
            int result = await _settleRetry.ExecuteAsync(
                static (state, token) => new ValueTask<int>(state.Store.SettleAsync(state.Counters, state.Hold, state.Actual, token)),
                (Store: _store, reservation.Counters, Hold: hold, Actual: actual),
                CancellationToken.None).ConfigureAwait(false);
            if (result > IBudgetStore.Unseeded(0))
            {
                return;
            }

            // Thrown as anything but the store not answering, the failure would replace the call's billed answer.
            var counter = reservation.Counters[IBudgetStore.Unseeded(0) - result];
            if (attempt == 3)
            {
                throw new BudgetStoreUnavailableException($"budget counter {counter.Key} was seeded from the cost ledger twice and the store still does not hold it");
            }

            try
            {
                await SeedAgainAsync(reservation.Tenant, reservation.RunId, counter, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not BudgetStoreUnavailableException)
            {
                // Unsettled, the call is still counted: the next reservation seeds the counter from a ledger that holds
                // its record by then.
                throw new BudgetStoreUnavailableException($"budget counter {counter.Key}, lost by the store during the call, could not be seeded again from the cost ledger: {ex.Message}", ex);
            }
        }
    }
}
