namespace Frugal.Budgets;

/// <summary>
/// Where budget counters (nano-dollars) and token-per-minute windows live. Every operation is atomic, so concurrent
/// callers on any number of instances never both take the last headroom of a budget.
/// </summary>
public interface IBudgetStore
{
    /// <summary>
    /// Holds <paramref name="hold"/>'s amount on every counter when each still has headroom (spent + reserved below its
    /// limit), or on none. With <paramref name="force"/> the reservation is made without the check. Holds whose lease
    /// has passed unsettled count as spent at their amount first: their calls' hosts stopped, or their settles could not
    /// reach the store, and either way what they cost is unknown, not nothing.
    /// </summary>
    /// <param name="counters">The counters.</param>
    /// <param name="hold">The reservation: its id, nano-dollars and lease.</param>
    /// <param name="force">Reserve even when a counter has no headroom.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>-1 when reserved; the index of the first counter without headroom; or <see cref="Unseeded"/> of the
    /// index of the first <see cref="BudgetCounter.FromLedger"/> counter whose seed the store does not hold (nothing is
    /// reserved then: the caller seeds it and tries again).</returns>
    Task<int> TryReserveAsync(IReadOnlyList<BudgetCounter> counters, BudgetHold hold, bool force, CancellationToken cancellationToken);

    /// <summary>The <see cref="TryReserveAsync"/> result for an unseeded counter at <paramref name="index"/> (-2, -3, ...).</summary>
    /// <param name="index">The counter's index.</param>
    /// <returns>The result.</returns>
    static int Unseeded(int index) => -2 - index;

    /// <summary>
    /// Releases a reservation and adds the actual spending, on every counter at once. Idempotent: a reservation settled
    /// again (a retry whose first attempt landed but whose reply was lost) is counted once, while the store remembers it
    /// (an hour). A hold counted as spent because its lease passed is corrected to <paramref name="actual"/>. A
    /// <see cref="BudgetCounter.FromLedger"/> counter whose seed the store no longer holds (a Redis restart or flush
    /// during the call) changes nothing: counted on the bare counter, the call was lost when the seed that followed kept
    /// the larger of it and the ledger, which does not hold the call until after its settle.
    /// </summary>
    /// <param name="counters">The counters the reservation was made on.</param>
    /// <param name="hold">The reservation, as reserved.</param>
    /// <param name="actual">The nano-dollars actually spent.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>-1 when settled; or <see cref="Unseeded"/> of the index of the first <see cref="BudgetCounter.FromLedger"/>
    /// counter whose seed the store does not hold (nothing is settled then: the caller seeds it and settles again).</returns>
    Task<int> SettleAsync(IReadOnlyList<BudgetCounter> counters, BudgetHold hold, long actual, CancellationToken cancellationToken);

    /// <summary>Reads a counter (zero when absent).</summary>
    /// <param name="key">The counter's key.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The balance.</returns>
    Task<BudgetBalance> GetAsync(string key, CancellationToken cancellationToken);

    /// <summary>
    /// Sets a counter's spending from the ledger when it holds no seed yet (the first instance to seed wins): the larger
    /// of what it holds and <paramref name="spent"/>. Not their sum: what a counter holds unseeded (written by a version that did not
    /// seed run counters) is in the ledger too, and added it was counted twice. (A settle on a counter the store lost
    /// changes nothing, <see cref="SettleAsync"/>: it is seeded first, then the call counted on top.) <paramref name="held"/> are the reservations of other processes' calls that the ledger shows
    /// started and unfinished within their lease (each <see cref="BudgetHold.Lease"/> is what is left of it): a process
    /// killed during them, or one still running them. A store of this process alone holds them as the store they reserved
    /// in did, so they count as spent when their leases pass, unless settled (by nobody: their process has its own
    /// store); a store those processes share ignores them, since it holds their reservations itself, and their settles
    /// would not release these.
    /// </summary>
    /// <param name="counter">The counter.</param>
    /// <param name="spent">The nano-dollars already spent.</param>
    /// <param name="held">Other processes' calls in flight, or cut off, when the ledger was read.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when seeded.</returns>
    Task SeedAsync(BudgetCounter counter, long spent, IReadOnlyList<BudgetHold> held, CancellationToken cancellationToken);

    /// <summary>
    /// Adds tokens to a fixed window counter. With <paramref name="check"/>, adds only when the window is still below
    /// <paramref name="limit"/>.
    /// </summary>
    /// <param name="key">The window's key.</param>
    /// <param name="tokens">Tokens to add (negative to correct an estimate).</param>
    /// <param name="limit">The window's limit.</param>
    /// <param name="check">Whether to refuse when the window is at or over the limit.</param>
    /// <param name="timeToLive">How long the store keeps the window.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Whether the tokens were added.</returns>
    Task<bool> AddTokensAsync(string key, long tokens, long limit, bool check, TimeSpan timeToLive, CancellationToken cancellationToken);

    /// <summary>Reads a token window (zero when absent).</summary>
    /// <param name="key">The window's key.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The tokens counted in the window.</returns>
    Task<long> GetTokensAsync(string key, CancellationToken cancellationToken);
}
