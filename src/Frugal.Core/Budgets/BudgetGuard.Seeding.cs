using System.Globalization;
using Frugal.Costs;

namespace Frugal.Budgets;

/// <summary>Seeding counters from the cost ledger: a tenant's month, and a run's when the store does not hold it.</summary>
public sealed partial class BudgetGuard
{
    /// <summary>A month counter's balance, seeded from the ledger (again, when the store lost it).</summary>
    private async Task<BudgetBalance> MonthBalanceAsync(string tenant, BudgetCounter counter, CancellationToken cancellationToken)
    {
        await SeedAsync(tenant, counter, cancellationToken).ConfigureAwait(false);
        var balance = await _store.GetAsync(counter.Key, cancellationToken).ConfigureAwait(false);
        if (balance.Seeded)
        {
            return balance;
        }

        await ReseedAsync(tenant, counter, cancellationToken).ConfigureAwait(false);
        return await _store.GetAsync(counter.Key, cancellationToken).ConfigureAwait(false);
    }

    private Task ReseedAsync(string tenant, BudgetCounter counter, CancellationToken cancellationToken)
    {
        Log.BudgetReseeding(_logger, counter.Key);
        _seeded.TryRemove(counter.Key, out _);
        return SeedAsync(tenant, counter, cancellationToken);
    }

    private async Task SeedAsync(string tenant, BudgetCounter counter, CancellationToken cancellationToken)
    {
        // One ledger read per month counter and process; the seed itself is set-if-absent in the store.
        var seed = _seeded.GetOrAdd(counter.Key, _ => new Lazy<Task>(() => SeedFromLedgerAsync(tenant, counter, CancellationToken.None)));
        try
        {
            await seed.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (seed.Value.IsFaulted)
        {
            _seeded.TryRemove(KeyValuePair.Create(counter.Key, seed));
            throw;
        }
    }

    private async Task SeedFromLedgerAsync(string tenant, BudgetCounter counter, CancellationToken cancellationToken)
    {
        // The month is the counter's own (its key ends with it): read from the clock again, a seed made across midnight
        // at a month's end put the new month's spend (about nothing) into the old month's counter.
        string month = counter.Key[(counter.Key.LastIndexOf(':') + 1)..];
        var start = DateTimeOffset.ParseExact(month, "yyyy-MM", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
        var (dollars, held) = await LedgerSpendAsync(new CostQuery { Tenant = tenant, Since = start, Until = start.AddMonths(1), IncludeDetails = false }, cancellationToken).ConfigureAwait(false);

        await _store.SeedAsync(counter, (long)Math.Round(dollars * NanoPerDollar), held, cancellationToken).ConfigureAwait(false);
        Log.BudgetSeeded(_logger, tenant, month, dollars);
    }

    /// <summary>
    /// Seeds a run's counter with what the ledger holds for the run over the counter's life (<see cref="RunTimeToLive"/>).
    /// Not remembered per process as a month's seed is: a run counter the store lacks is met once per run, and one
    /// entry per run would grow without end.
    /// </summary>
    private async Task SeedRunAsync(string tenant, string runId, BudgetCounter counter, CancellationToken cancellationToken)
    {
        // The calls of a new run's first batch all find its counter unseeded at once: one ledger read serves them all,
        // and the entry goes when it is done, so the map holds only seeds in flight.
        var seed = _seedingRuns.GetOrAdd(counter.Key, _ => new Lazy<Task>(() => SeedRunFromLedgerAsync(tenant, runId, counter, CancellationToken.None)));
        var seeding = seed.Value;
        _ = seeding.ContinueWith(_ => _seedingRuns.TryRemove(KeyValuePair.Create(counter.Key, seed)), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        await seeding.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task SeedRunFromLedgerAsync(string tenant, string runId, BudgetCounter counter, CancellationToken cancellationToken)
    {
        var (dollars, held) = await LedgerSpendAsync(new CostQuery { Tenant = tenant, RunId = runId, Since = _time.GetUtcNow() - RunTimeToLive, IncludeDetails = false }, cancellationToken).ConfigureAwait(false);

        await _store.SeedAsync(counter, (long)Math.Round(dollars * NanoPerDollar), held, cancellationToken).ConfigureAwait(false);
        if (dollars > 0)
        {
            Log.BudgetRunSeeded(_logger, runId, tenant, dollars);
        }
    }

    /// <summary>
    /// The tiers whose calls budgets charge as they run: the hosted tiers' (<see cref="BudgetChatClient"/>, the cheap
    /// attempt an escalation replaced, a call's start) and onnx steps' (<see cref="Models.OnnxStepHandler"/>). A semantic
    /// lookup's embeddings (deterministic) and a learned router's (no tier) are recorded with their GPU seconds, priced
    /// under <c>Frugal:Inference:GpuProfile</c>, but charged to no budget (docs/budgets.md); seeded, they were counted
    /// again in each new process (frugal run's memory store) or after a Redis restart, where the live counter never had.
    /// </summary>
    private static readonly CostTier[] ChargedTiers = [CostTier.Cheap, CostTier.Premium, CostTier.Onnx];

    /// <summary>
    /// What the ledger's records <paramref name="query"/> selects count against budgets (0 without a ledger), those of
    /// <see cref="ChargedTiers"/>: their dollars, and for an unpriced record of a model the price table does not know, its usage at the dearest model's
    /// prices, as its settle counted it. Summed at $0, a new process or a restarted Redis gave a tenant of a self-hosted
    /// model its whole budget again. An unpriced onnx call counts its recorded dollars, as its settle counted the price
    /// of its GPU seconds (none without a GPU profile): its tokens are a classifier's word pieces, and priced at a hosted
    /// model's input price each new process charged the month for every onnx call again. A call's start never replaced
    /// by its record and older than <see cref="BudgetOptions.ReservationLease"/> counts at its recorded bound, as a lapsed
    /// hold does (<see cref="CostQuery.CountStartsBefore"/>); a younger one of another process's call is returned as the
    /// hold that call's reservation was, for the rest of its lease (<see cref="IBudgetStore.SeedAsync"/>). The ledger sums them (<see cref="ICostLedger.SpendAsync"/>): reading every record
    /// of a tenant's month took 3.9 s and 516 MB of allocations for a million records, on the first call of each process.
    /// </summary>
    private async Task<(decimal Dollars, IReadOnlyList<BudgetHold> Held)> LedgerSpendAsync(CostQuery query, CancellationToken cancellationToken)
    {
        if (_ledger is null)
        {
            return (0m, []);
        }

        // A call's start is its upper bound, not a cost. One older than a reservation's lease is a call cut off by a
        // kill, whose hold a store counts as spent once its lease passes: it counts at its bound here too. A younger one
        // may be of a call in flight: this process's own (its first calls write their starts before they reserve, and so
        // seed this counter), whose reservation and record count it, so it is left out; or another process's, which may
        // have been killed a moment ago: held, as its reservation was, it counts as spent when its lease passes (left
        // out, a new frugal run's memory store gave the tenant and the run that money again where Redis had counted it).
        var now = _time.GetUtcNow();
        var spend = await _ledger.SpendAsync(query with { CountStartsBefore = now - _options.ReservationLease, Tiers = ChargedTiers }, cancellationToken).ConfigureAwait(false);
        decimal dollars = spend.PricedDollars;
        foreach (var unpriced in spend.Unpriced)
        {
            dollars += unpriced.Calls * Counted(unpriced.Tier, unpriced.Model, unpriced.Usage, unpriced.Dollars);
        }

        var held = new List<BudgetHold>();
        foreach (var start in spend.Unfinished)
        {
            if (!CostRecord.IsOfThisProcess(start.Invocation))
            {
                var dollarsHeld = start.Priced ? start.Dollars : Counted(start.Tier, start.Model, start.Usage, start.Dollars);
                var lease = TimeSpan.FromTicks(Math.Clamp((start.StartedAt + _options.ReservationLease - now).Ticks, 0, _options.ReservationLease.Ticks));
                held.Add(new BudgetHold(start.Invocation ?? Guid.NewGuid().ToString("N"), ToNano(dollarsHeld), lease));
            }
        }

        return (dollars, held);
    }

    /// <summary>What an unpriced record counts: its usage at the dearest model's prices, or for an onnx record (or one
    /// without usage) its recorded dollars.</summary>
    private decimal Counted(CostTier tier, string? model, TokenUsage usage, decimal dollars) =>
        usage.InputTokens + usage.OutputTokens == 0 || tier == CostTier.Onnx ? dollars : Math.Max(dollars, ActualCost(model, usage) / NanoPerDollar);
}
