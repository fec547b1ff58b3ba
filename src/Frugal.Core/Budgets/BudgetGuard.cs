using System.Collections.Concurrent;
using System.Globalization;
using Frugal.Costs;
using Frugal.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;

namespace Frugal.Budgets;

/// <summary>
/// Applies <see cref="BudgetOptions"/>: reserves a call's maximum cost on its tenant's monthly counter and its run's
/// counter before the call and settles the actual cost after, admits or refuses new runs, and meters tokens per
/// minute. A call is admitted while every counter still has headroom (spent + reserved below the limit), so with any
/// number of concurrent calls the spend passes a limit by at most one call's maximum cost.
/// </summary>
public sealed partial class BudgetGuard
{
    private const decimal NanoPerDollar = 1_000_000_000m;
    private static readonly TimeSpan MonthTimeToLive = TimeSpan.FromDays(40);
    /// <summary>
    /// How long a run's counter lives, and how far back the ledger is read to seed one: retention keeps this much
    /// of the ledger whatever its own setting (<see cref="Retention.RetentionPurger"/>).
    /// </summary>
    internal static readonly TimeSpan RunTimeToLive = TimeSpan.FromDays(7);
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    // How often a call refused while the budget then shows headroom tries again without waiting (other calls may take
    // the headroom first each time: after these it waits like any call that meets calls in flight).
    private const int MaxRetriesAtOnce = 3;

    private readonly BudgetOptions _options;
    private readonly IBudgetStore _store;
    private readonly PriceTable _prices;
    private readonly ICostLedger? _ledger;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, Lazy<Task>> _seeded = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _unpriced = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<Task>> _seedingRuns = new(StringComparer.Ordinal);
    private readonly ResiliencePipeline _settleRetry;

    /// <summary>Creates the guard.</summary>
    /// <param name="options">The limits.</param>
    /// <param name="store">Where counters live.</param>
    /// <param name="prices">Prices a call's maximum and actual cost.</param>
    /// <param name="time">The clock (month and minute windows).</param>
    /// <param name="ledger">Seeds each tenant's month-to-date spend; null starts every month at zero.</param>
    /// <param name="logger">The logger.</param>
    public BudgetGuard(IOptions<BudgetOptions> options, IBudgetStore store, PriceTable prices, TimeProvider time, ICostLedger? ledger = null, ILogger<BudgetGuard>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _prices = prices ?? throw new ArgumentNullException(nameof(prices));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _ledger = ledger;
        _logger = (ILogger?)logger ?? NullLogger.Instance;

        // A settle that fails (a network drop, a timeout, a failover) is tried again for about 15 s: the store's settle
        // is idempotent by the reservation's id, so an attempt whose reply was lost but which landed is not counted
        // twice. Should the store stay away longer, the hold counts as spent when its lease passes (IBudgetStore).
        _settleRetry = new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<BudgetStoreUnavailableException>(),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(500),
                MaxRetryAttempts = 5,
                OnRetry = args =>
                {
                    Log.BudgetSettleRetrying(_logger, args.AttemptNumber + 1, args.RetryDelay.TotalMilliseconds, args.Outcome.Exception!);
                    return default;
                },
            })
            .Build();
    }

    /// <summary>The options in force.</summary>
    public BudgetOptions Options => _options;

    /// <summary>
    /// Whether a dollar budget (the tenant's month or the per-run limit) applies to <paramref name="tenant"/>'s calls:
    /// they are reserved against it, and one that sets no output cap is sent with
    /// <see cref="BudgetOptions.DefaultMaxOutputTokens"/>.
    /// </summary>
    public bool Applies(string tenant) => _options.For(tenant).Monthly is not null || _options.PerRun is not null;

    /// <summary>Dollars to nano-dollars (rounded up: a reservation never falls short).</summary>
    /// <param name="dollars">Dollars.</param>
    /// <returns>Nano-dollars.</returns>
    public static long ToNano(decimal dollars) => (long)Math.Ceiling(dollars * NanoPerDollar);

    /// <summary>
    /// The most a call can cost: its estimated prompt at the input price plus its output cap at the dearer of the output
    /// and the reasoning price (any output token may be a reasoning token, which a price file may price above output). A
    /// model the price table does not know is reserved at the dearest model's prices (and named in a warning once):
    /// reserving nothing for it let any number of concurrent calls through a budget's last headroom, and its cost is
    /// unknown, not zero.
    /// </summary>
    /// <param name="model">The model (priced by the price table).</param>
    /// <param name="inputTokens">The estimated prompt tokens.</param>
    /// <param name="maxOutputTokens">The call's output cap, or null for <see cref="BudgetOptions.DefaultMaxOutputTokens"/>.</param>
    /// <returns>Nano-dollars.</returns>
    public long MaxCost(string? model, long inputTokens, int? maxOutputTokens)
    {
        // At the output price only, a model whose reasoning a price file prices higher (LiteLLM's
        // output_cost_per_reasoning_token) reserved less than its call could cost, and concurrent calls could pass the
        // budget by more than one call's maximum. The bound is the one a call's start record carries (StepCostRecorder).
        int output = maxOutputTokens ?? _options.DefaultMaxOutputTokens;
        return Cost(model, m => _prices.PriceMost(m, inputTokens, output));
    }

    /// <summary>Logs a settle the store could not take after its retries (the call's answer is kept; its hold counts as
    /// spent when its lease passes).</summary>
    /// <param name="exception">What the store said.</param>
    public void SettleFailed(BudgetStoreUnavailableException exception) => Log.BudgetSettleFailed(_logger, exception);

    /// <summary>Whether the price table knows <paramref name="model"/>.</summary>
    /// <param name="model">A model or deployment name.</param>
    public bool IsPriced(string? model) => _prices.TryFind(model, out _);

    /// <summary>
    /// What a finished call counts against its budgets. A model the price table does not know counts at the dearest
    /// model's prices, as its reservation did: it settled at $0, so a Refuse budget over a model missing from the table
    /// (a new model, a self-hosted endpoint) never filled and limited nothing. The ledger still records such a call as
    /// unpriced, its cost unknown.
    /// </summary>
    /// <param name="model">The model that answered.</param>
    /// <param name="usage">Its reported usage.</param>
    /// <returns>Nano-dollars.</returns>
    public long ActualCost(string? model, TokenUsage usage) => Cost(model, usage);

    /// <summary>
    /// Reserves <paramref name="amount"/> for a call. When a budget has no headroom: with <see cref="BudgetAction.Refuse"/>
    /// throws; with <see cref="BudgetAction.Downgrade"/> asks for a downgrade when <paramref name="canDowngrade"/>, else
    /// reserves anyway (the call is already cheap).
    /// </summary>
    /// <param name="context">Who the call is for.</param>
    /// <param name="amount">The call's maximum cost in nano-dollars.</param>
    /// <param name="canDowngrade">Whether the call has a cheaper tier to go to.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The reservation to settle, or a downgrade.</returns>
    /// <exception cref="BudgetExceededException">A budget is spent and the action is Refuse.</exception>
    public async Task<BudgetReservation> ReserveAsync(FrugalChatContext context, long amount, bool canDowngrade, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var counters = await CountersAsync(context.Tenant, context.RunId, cancellationToken).ConfigureAwait(false);
        if (counters.Count == 0)
        {
            return new BudgetReservation(counters, 0);
        }

        var hold = new BudgetHold(Guid.NewGuid().ToString("N"), amount, _options.ReservationLease);
        var waited = TimeSpan.Zero;
        var delay = TimeSpan.FromMilliseconds(25);
        var retriesAtOnce = 0;
        BudgetCounter counter;
        BudgetBalance balance;
        while (true)
        {
            int refused = await TryReserveAsync(context.Tenant, context.RunId, counters, hold, force: false, cancellationToken).ConfigureAwait(false);
            if (refused < 0)
            {
                return new BudgetReservation(counters, amount) { Id = hold.Id, Tenant = context.Tenant, RunId = context.RunId };
            }

            counter = counters[refused];
            balance = await _store.GetAsync(counter.Key, cancellationToken).ConfigureAwait(false);
            if (balance.Spent >= counter.Limit)
            {
                break;
            }

            // Calls in flight settled (or their leases passed) between the refusal and this read, and left headroom: try
            // again at once. Refused here, the call was told the budget was spent with most of it unspent.
            if (balance.Spent + balance.Reserved < counter.Limit && ++retriesAtOnce <= MaxRetriesAtOnce)
            {
                continue;
            }

            // Only calls in flight fill the budget while what has settled is under it: they reserved each call's
            // maximum and usually settle far lower, so wait for them rather than refuse (or downgrade) with the budget
            // mostly unspent. Admission still needs spent + reserved under the limit, so the bound holds. A call with
            // no cheaper tier under Downgrade goes on whatever they settle at: waiting only delayed it.
            // Nor for other processes' calls that a store of this process alone was seeded with: nothing here settles
            // them (their leases end as spent), so a resumed run waited the whole minute for them and was refused all
            // the same; nor when those alone fill the budget, whatever the calls that can settle come to.
            if (balance.Reserved - balance.Unsettleable <= 0 || balance.Spent + balance.Unsettleable >= counter.Limit
                || waited >= _options.ReservationMaxWait || (_options.Action == BudgetAction.Downgrade && !canDowngrade))
            {
                break;
            }

            await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
            waited += delay;
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(1).Ticks));
        }

        string spent = balance.Reserved > 0
            ? $"{Dollars(balance.Spent)} spent and {Dollars(balance.Reserved)} reserved by calls not settled yet (in flight, or cut off by a stop)"
            : Dollars(balance.Spent);
        // Told apart by the whole key: a tenant may have ":run:" in its name.
        string budget = counter.Key == RunKey(context.Tenant, context.RunId)
            ? $"run '{context.RunId}' has spent its budget: {spent} of {Dollars(counter.Limit)} ({BudgetOptions.SectionName}:PerRun)"
            : $"tenant '{context.Tenant}' has spent its monthly budget: {spent} of {Dollars(counter.Limit)} ({_options.MonthlyKey(context.Tenant)})";
        if (_options.Action == BudgetAction.Refuse)
        {
            Log.BudgetRefused(_logger, context.RunId, context.Tenant, budget);
            throw new BudgetExceededException(budget + "; the model call is refused (" + BudgetOptions.SectionName + ":Action is Refuse)");
        }

        if (canDowngrade)
        {
            Log.BudgetDowngraded(_logger, context.RunId, context.Tenant, budget);
            return new BudgetReservation([], 0, Downgrade: true);
        }

        await TryReserveAsync(context.Tenant, context.RunId, counters, hold, force: true, cancellationToken).ConfigureAwait(false);
        return new BudgetReservation(counters, amount) { Id = hold.Id, Tenant = context.Tenant, RunId = context.RunId };
    }

    /// <summary>Checks whether a tenant may start a run: refused (402) when its monthly budget is spent (settled spend at
    /// or over it: reservations of calls in flight do not refuse a run) and the action is Refuse, or (429) when it is over
    /// its tokens per minute.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>Null when admitted; otherwise why not.</returns>
    public async Task<BudgetRefusal?> CheckRunStartAsync(string tenant, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        var (monthly, tokensPerMinute) = _options.For(tenant);
        if (monthly is { } limit && _options.Action == BudgetAction.Refuse)
        {
            var counter = MonthCounter(tenant, limit);
            var balance = await MonthBalanceAsync(tenant, counter, cancellationToken).ConfigureAwait(false);

            // What is spent decides, not what calls in flight reserved: they reserved each call's maximum and usually
            // settle far lower, and a model call that meets them waits for them. Counted as spent, they refused new runs
            // (402, which no client retries; a queue job went to the poison queue) with most of the budget unspent.
            if (balance.Spent >= counter.Limit)
            {
                string reserved = balance.Reserved > 0 ? $" (and {Dollars(balance.Reserved)} is reserved by calls not settled yet: in flight, or cut off by a stop)" : string.Empty;
                return new BudgetRefusal(
                    402,
                    "Monthly budget spent",
                    $"tenant '{tenant}' has spent {Dollars(balance.Spent)} of its monthly budget of {Dollars(counter.Limit)}{reserved} ({_options.MonthlyKey(tenant)}); new runs are refused until the month ends or the budget is raised",
                    tenant,
                    limit,
                    balance.Spent / NanoPerDollar);
            }
        }

        if (tokensPerMinute is { } tpm)
        {
            long used = await _store.GetTokensAsync(WindowKey(tenant), cancellationToken).ConfigureAwait(false);
            if (used >= tpm)
            {
                int retry = RetryAfterSeconds();
                return new BudgetRefusal(
                    429,
                    "Tokens per minute exceeded",
                    $"tenant '{tenant}' used {used} tokens this minute, over its limit of {tpm} ({_options.TokensPerMinuteKey(tenant)}); retry after {retry} s",
                    tenant,
                    tpm,
                    used,
                    retry);
            }
        }

        return null;
    }

    /// <summary>The tenant's spend this month (settled plus reserved), in dollars.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>Dollars.</returns>
    public async Task<decimal> MonthToDateAsync(string tenant, CancellationToken cancellationToken)
    {
        var counter = MonthCounter(tenant, long.MaxValue);
        var balance = await MonthBalanceAsync(tenant, counter, cancellationToken).ConfigureAwait(false);
        return (balance.Spent + balance.Reserved) / NanoPerDollar;
    }

    private async Task<IReadOnlyList<BudgetCounter>> CountersAsync(string tenant, string runId, CancellationToken cancellationToken)
    {
        var counters = new List<BudgetCounter>(2);
        if (_options.For(tenant).Monthly is { } monthly)
        {
            var counter = MonthCounter(tenant, monthly);
            await SeedAsync(tenant, counter, cancellationToken).ConfigureAwait(false);
            counters.Add(counter);
        }

        if (_options.PerRun is { } perRun)
        {
            // Seeded from the ledger when the store does not hold it (TryReserveAsync): a run resumed or started again
            // in a new process (the memory store), or after a Redis restart, starts from what it has already spent,
            // not from zero.
            counters.Add(new BudgetCounter(RunKey(tenant, runId), ToNano(perRun), RunTimeToLive, FromLedger: true));
        }

        return counters;
    }

    private BudgetCounter MonthCounter(string tenant, decimal limit) => MonthCounter(tenant, ToNano(limit));

    private BudgetCounter MonthCounter(string tenant, long limit) =>
        new($"frugal:budget:{{{Tag(tenant)}}}:month:{_time.GetUtcNow().UtcDateTime.ToString("yyyy-MM", CultureInfo.InvariantCulture)}", limit, MonthTimeToLive, FromLedger: true);

    /// <summary>
    /// Reserves on the store; a month counter the store no longer holds (a Redis restart or flush; this process had
    /// already seeded it, so it would otherwise count the month from zero) is seeded from the ledger again first.
    /// </summary>
    private async Task<int> TryReserveAsync(string tenant, string runId, IReadOnlyList<BudgetCounter> counters, BudgetHold hold, bool force, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            int result = await _store.TryReserveAsync(counters, hold, force, cancellationToken).ConfigureAwait(false);
            if (result > IBudgetStore.Unseeded(0))
            {
                return result;
            }

            var counter = counters[IBudgetStore.Unseeded(0) - result];
            if (attempt == 3)
            {
                throw new InvalidOperationException($"budget counter {counter.Key} was seeded from the cost ledger twice and the store still does not hold it");
            }

            await SeedAgainAsync(tenant, runId, counter, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Seeds from the ledger a counter the store does not hold: the run's, or the tenant's month again.</summary>
    private Task SeedAgainAsync(string tenant, string runId, BudgetCounter counter, CancellationToken cancellationToken) =>
        counter.Key == RunKey(tenant, runId)
            ? SeedRunAsync(tenant, runId, counter, cancellationToken)
            : ReseedAsync(tenant, counter, cancellationToken);

    private static string RunKey(string tenant, string runId) => $"frugal:budget:{{{Tag(tenant)}}}:run:{runId}";

    private long Cost(string? model, TokenUsage usage) => Cost(model, m => _prices.Price(m, usage));

    /// <summary>What <paramref name="price"/> gives <paramref name="model"/>, or the dearest model when the table lacks it.</summary>
    private long Cost(string? model, Func<string?, PriceResult> price)
    {
        if (_prices.TryFind(model, out _))
        {
            return ToNano(price(model).Dollars);
        }

        var dearest = _prices.Models.Keys.MaxBy(m => price(m).Dollars);
        if (dearest is null)
        {
            return 0;
        }

        if (_unpriced.TryAdd(model ?? "", 0))
        {
            Log.BudgetModelUnpriced(_logger, model ?? "(none)", _prices.Version, dearest);
        }

        return ToNano(price(dearest).Dollars);
    }

    // The tenant inside a Redis hash tag, which must hold no braces. Escaped, not replaced: 'a{b' and 'a_b' shared a
    // budget counter when braces became '_'.
    private static string Tag(string tenant) => tenant.Replace("%", "%25", StringComparison.Ordinal).Replace("{", "%7B", StringComparison.Ordinal).Replace("}", "%7D", StringComparison.Ordinal);

    private static string Dollars(long nano) => (nano / NanoPerDollar).ToString("$0.00####", CultureInfo.InvariantCulture);
}
