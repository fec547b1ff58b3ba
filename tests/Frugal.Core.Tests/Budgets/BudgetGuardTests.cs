using Frugal.Budgets;
using Frugal.Costs;
using Frugal.Models;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Frugal.Core.Tests.Budgets;

public sealed class BudgetGuardTests
{
    private static readonly DateTimeOffset Now = new(2025, 3, 14, 10, 0, 30, TimeSpan.Zero);

    [Fact]
    public async Task ReserveAsync_MonthlySpentWithRefuse_ThrowsNamingTenantBudgetAndKey()
    {
        var guard = Guard(o =>
        {
            o.Tenants["acme"] = new TenantBudgetOptions { Monthly = 0.001m };
            o.Action = BudgetAction.Refuse;
        });
        var context = Context("acme", "run-1");
        var first = await guard.ReserveAsync(context, BudgetGuard.ToNano(0.003m), canDowngrade: false, CancellationToken.None);
        await guard.SettleAsync(first, BudgetGuard.ToNano(0.002m));

        var ex = await Assert.ThrowsAsync<BudgetExceededException>(
            () => guard.ReserveAsync(context, BudgetGuard.ToNano(0.002m), canDowngrade: false, CancellationToken.None));

        Assert.Equal(
            "tenant 'acme' has spent its monthly budget: $0.002 of $0.001 (Frugal:Budgets:Tenants:acme:Monthly); the model call is refused (Frugal:Budgets:Action is Refuse)",
            ex.Message);
    }

    [Fact]
    public async Task ReserveAsync_BudgetFullOnlyOfACallInFlight_WaitsForItToSettleAndIsAdmitted()
    {
        // Reservations are each call's maximum; refusing while they were in flight failed runs with most of a budget
        // unspent (50 runs against $0.002: 49 failed "having spent $0.007" when $0.0006 had been spent).
        var time = new FakeTimeProvider(Now);
        var guard = Guard(o => (o.Tenants["acme"], o.Action) = (new TenantBudgetOptions { Monthly = 0.001m }, BudgetAction.Refuse), time: time);
        var first = await guard.ReserveAsync(Context("acme", "run-1"), BudgetGuard.ToNano(0.0015m), canDowngrade: false, CancellationToken.None);

        var second = guard.ReserveAsync(Context("acme", "run-2"), BudgetGuard.ToNano(0.0009m), canDowngrade: false, CancellationToken.None);
        await Task.Delay(50);
        Assert.False(second.IsCompleted, "admitted while the first call's reservation filled the budget");
        await guard.SettleAsync(first, BudgetGuard.ToNano(0.0001m));
        while (!second.IsCompleted)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(10);
        }

        Assert.Equal(BudgetGuard.ToNano(0.0009m), (await second).Amount);
    }

    [Fact]
    public async Task ReserveAsync_CallsInFlightSettleBetweenTheRefusalAndTheBalanceRead_TriesAgainAndIsAdmitted()
    {
        // The budget was full of a call in flight when this call tried, and that call settled (far lower) before the
        // balance was read: with nothing reserved any more it was refused at once, "has spent its monthly budget:
        // $0.0002 of $0.002", the budget mostly unspent (frugal run: three of five cheap calls refused at $0.0013 of $0.002).
        var time = new FakeTimeProvider(Now);
        var store = new InterceptingStore(new InMemoryBudgetStore(time));
        var guard = Guard(o => (o.Tenants["acme"], o.Action) = (new TenantBudgetOptions { Monthly = 0.002m }, BudgetAction.Refuse), store, time: time);
        var inFlight = await guard.ReserveAsync(Context("acme", "run-1"), BudgetGuard.ToNano(0.002m), canDowngrade: false, CancellationToken.None);
        store.AfterRefusal = () => guard.SettleAsync(inFlight, BudgetGuard.ToNano(0.0002m));

        var admitted = await guard.ReserveAsync(Context("acme", "run-2"), BudgetGuard.ToNano(0.0009m), canDowngrade: false, CancellationToken.None);

        Assert.Equal(BudgetGuard.ToNano(0.0009m), admitted.Amount);
        Assert.Equal(new BudgetBalance(BudgetGuard.ToNano(0.0002m), BudgetGuard.ToNano(0.0009m), Seeded: true), await store.GetAsync(admitted.Counters[0].Key, CancellationToken.None));
    }

    [Fact]
    public async Task ReserveAsync_ReservationOfACallThatNeverSettles_CountsAsSpentWhenItsLeasePassesUntilItSettles()
    {
        // A host killed (scaled in, redeployed) during a call never settles it: its maximum stayed reserved for the
        // rest of the month, and with Refuse every later call waited for it. Released when its lease passed, the spend
        // of a call whose settle could not reach the store was lost: its cost is unknown, so it counts at its maximum.
        var time = new FakeTimeProvider(Now);
        var store = new InMemoryBudgetStore(time);
        var guard = Guard(o => (o.Tenants["acme"], o.Action, o.ReservationMaxWait, o.ReservationLease)
            = (new TenantBudgetOptions { Monthly = 0.002m }, BudgetAction.Refuse, TimeSpan.Zero, TimeSpan.FromMinutes(10)), store, time: time);
        var orphan = await guard.ReserveAsync(Context("acme", "run-1"), BudgetGuard.ToNano(0.0025m), canDowngrade: false, CancellationToken.None);
        var held = await Assert.ThrowsAsync<BudgetExceededException>(
            () => guard.ReserveAsync(Context("acme", "run-2"), BudgetGuard.ToNano(0.0002m), canDowngrade: false, CancellationToken.None));
        Assert.Contains("$0.00 spent and $0.0025 reserved by calls not settled yet (in flight, or cut off by a stop)", held.Message, StringComparison.Ordinal);

        time.Advance(TimeSpan.FromMinutes(10));
        var spent = await Assert.ThrowsAsync<BudgetExceededException>(
            () => guard.ReserveAsync(Context("acme", "run-2"), BudgetGuard.ToNano(0.0002m), canDowngrade: false, CancellationToken.None));
        Assert.Contains("has spent its monthly budget: $0.0025 of $0.002", spent.Message, StringComparison.Ordinal);
        var month = orphan.Counters[0].Key;

        // Should the call settle after all (twice, its reply lost the first time), it counts what it cost, once.
        await guard.SettleAsync(orphan, BudgetGuard.ToNano(0.0001m));
        await guard.SettleAsync(orphan, BudgetGuard.ToNano(0.0001m));
        Assert.Equal(new BudgetBalance(BudgetGuard.ToNano(0.0001m), 0, Seeded: true), await store.GetAsync(month, CancellationToken.None));
        var next = await guard.ReserveAsync(Context("acme", "run-2"), BudgetGuard.ToNano(0.0002m), canDowngrade: false, CancellationToken.None);
        await guard.SettleAsync(next, BudgetGuard.ToNano(0.0001m));
        Assert.Equal(new BudgetBalance(BudgetGuard.ToNano(0.0002m), 0, Seeded: true), await store.GetAsync(month, CancellationToken.None));
    }

    [Fact]
    public async Task ReserveAsync_TenantsThatDifferOnlyByABrace_KeepBudgetsApart()
    {
        // Braces cannot stand in a Redis hash tag; they became '_', so 'a{b' spent 'a_b''s budget too.
        var guard = Guard(o => (o.Tenants[BudgetOptions.DefaultTenant], o.Action, o.ReservationMaxWait) = (new TenantBudgetOptions { Monthly = 0.001m }, BudgetAction.Refuse, TimeSpan.Zero));
        var spent = await guard.ReserveAsync(Context("a{b", "run-1"), BudgetGuard.ToNano(0.002m), canDowngrade: false, CancellationToken.None);
        await guard.SettleAsync(spent, BudgetGuard.ToNano(0.002m));

        var other = await guard.ReserveAsync(Context("a_b", "run-2"), BudgetGuard.ToNano(0.0005m), canDowngrade: false, CancellationToken.None);

        Assert.NotEqual(spent.Counters[0].Key, other.Counters[0].Key);
        await Assert.ThrowsAsync<BudgetExceededException>(() => guard.ReserveAsync(Context("a{b", "run-3"), 1, canDowngrade: false, CancellationToken.None));
    }

    [Fact]
    public async Task CheckRunStartAsync_BudgetFullOnlyOfCallsInFlight_AdmitsTheRun()
    {
        // Calls in flight reserve their maximum and usually settle far lower, and a model call that meets them waits for
        // them; a new run was refused at once instead (402, which no client retries; a queue job went to the poison
        // queue) saying the tenant "has spent $0.0015 of its monthly budget of $0.001" with nothing spent.
        var guard = Guard(o => (o.Tenants["acme"], o.Action) = (new TenantBudgetOptions { Monthly = 0.001m }, BudgetAction.Refuse));
        await guard.ReserveAsync(Context("acme", "run-1"), BudgetGuard.ToNano(0.0015m), canDowngrade: false, CancellationToken.None);

        Assert.Null(await guard.CheckRunStartAsync("acme", CancellationToken.None));
    }

    [Fact]
    public async Task CheckRunStartAsync_BudgetSpentWithCallsInFlight_RefusesNamingWhatIsSpentAndWhatIsReserved()
    {
        var guard = Guard(o => (o.Tenants["acme"], o.Action) = (new TenantBudgetOptions { Monthly = 0.001m }, BudgetAction.Refuse));
        var spent = await guard.ReserveAsync(Context("acme", "run-1"), BudgetGuard.ToNano(0.0004m), canDowngrade: false, CancellationToken.None);
        await guard.ReserveAsync(Context("acme", "run-2"), BudgetGuard.ToNano(0.0005m), canDowngrade: false, CancellationToken.None);
        await guard.SettleAsync(spent, BudgetGuard.ToNano(0.0012m));

        var refusal = await guard.CheckRunStartAsync("acme", CancellationToken.None);

        Assert.NotNull(refusal);
        Assert.Equal(0.0012m, refusal.Used);
        Assert.Equal(
            "tenant 'acme' has spent $0.0012 of its monthly budget of $0.001 (and $0.0005 is reserved by calls not settled yet: in flight, or cut off by a stop) (Frugal:Budgets:Tenants:acme:Monthly); new runs are refused until the month ends or the budget is raised",
            refusal.Detail);
    }

    [Fact]
    public async Task ReserveAsync_CallInFlightPastTheLongestWait_RefusedSayingWhatIsReserved()
    {
        var time = new FakeTimeProvider(Now);
        var guard = Guard(o => (o.Tenants["acme"], o.Action, o.ReservationMaxWait) = (new TenantBudgetOptions { Monthly = 0.001m }, BudgetAction.Refuse, TimeSpan.FromSeconds(5)), time: time);
        await guard.ReserveAsync(Context("acme", "run-1"), BudgetGuard.ToNano(0.0015m), canDowngrade: false, CancellationToken.None);

        var second = guard.ReserveAsync(Context("acme", "run-2"), BudgetGuard.ToNano(0.0009m), canDowngrade: false, CancellationToken.None);
        while (!second.IsCompleted)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(10);
        }

        var ex = await Assert.ThrowsAsync<BudgetExceededException>(() => second);
        Assert.StartsWith("tenant 'acme' has spent its monthly budget: $0.00 spent and $0.0015 reserved by calls not settled yet (in flight, or cut off by a stop) of $0.001 ", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReserveAsync_RunBudgetSpentWithRefuse_ThrowsNamingRunAndPerRun()
    {
        var guard = Guard(o =>
        {
            o.PerRun = 0m;
            o.Action = BudgetAction.Refuse;
        });

        var ex = await Assert.ThrowsAsync<BudgetExceededException>(
            () => guard.ReserveAsync(Context("acme", "run-7"), 10, canDowngrade: true, CancellationToken.None));

        Assert.StartsWith("run 'run-7' has spent its budget: $0.00 of $0.00 (Frugal:Budgets:PerRun)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReserveAsync_TenantNamedLikeARunKey_RefusalNamesItsMonthlyBudget()
    {
        // The refusal told the budgets apart by ":run:" in the counter's key, which a tenant's name may hold.
        var guard = Guard(o =>
        {
            o.Tenants["a:run:b"] = new TenantBudgetOptions { Monthly = 0m };
            o.PerRun = 5m;
            o.Action = BudgetAction.Refuse;
        });

        var ex = await Assert.ThrowsAsync<BudgetExceededException>(
            () => guard.ReserveAsync(Context("a:run:b", "run-1"), 10, canDowngrade: false, CancellationToken.None));

        Assert.StartsWith("tenant 'a:run:b' has spent its monthly budget", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReserveAsync_RunResumedInANewProcess_StartsFromWhatTheLedgerHoldsForTheRun()
    {
        // frugal run --store killed mid-run: the run resumes in a new process whose memory store is empty. Its counter
        // used to start from zero, giving it its whole per-run budget again.
        var ledger = new ListLedger(
            Record("acme", Now.AddHours(-1), 0.30m) with { RunId = "run-7" },
            Record("acme", Now.AddHours(-1), 0.15m) with { RunId = "run-7", StepId = "review" },
            Record("acme", Now.AddHours(-1), 5m) with { RunId = "run-8" },
            Record("other", Now.AddHours(-1), 5m) with { RunId = "run-7" },
            Record("acme", Now.AddDays(-8), 5m) with { RunId = "run-7" });
        var guard = Guard(o =>
        {
            o.PerRun = 0.50m;
            o.Action = BudgetAction.Refuse;
        }, ledger: ledger);

        var admitted = await guard.ReserveAsync(Context("acme", "run-7"), BudgetGuard.ToNano(0.04m), canDowngrade: false, CancellationToken.None);
        await guard.SettleAsync(admitted, BudgetGuard.ToNano(0.05m));
        var ex = await Assert.ThrowsAsync<BudgetExceededException>(
            () => guard.ReserveAsync(Context("acme", "run-7"), BudgetGuard.ToNano(0.04m), canDowngrade: false, CancellationToken.None));

        Assert.StartsWith("run 'run-7' has spent its budget: $0.50 of $0.50 ", ex.Message, StringComparison.Ordinal);
        var fresh = await guard.ReserveAsync(Context("acme", "run-9"), BudgetGuard.ToNano(0.40m), canDowngrade: false, CancellationToken.None);
        Assert.Equal(BudgetGuard.ToNano(0.40m), fresh.Amount);
    }

    [Fact]
    public async Task ReserveAsync_LedgerHoldsACallCutOffByAKill_SeedsItAtItsBoundOnceItsLeasePassed()
    {
        // frugal run killed mid-call: a Redis store counts the call's hold as spent when its lease passes, but a new
        // process's memory store, seeded from the ledger, left the call's start out and the run had that money again.
        // A start of this process's own call in flight (its first call writes its start before it reserves, and so
        // seeds) is left out: its reservation and settle count it.
        var ledger = new ListLedger(
            Record("acme", Now.AddMinutes(-30), 0.30m) with { RunId = "run-7", Outcome = CostOutcome.Started, Invocation = "killed" },
            Record("acme", Now, 0.25m) with { RunId = "run-7", StepId = "review", Outcome = CostOutcome.Started, Invocation = CostRecord.NewInvocation() });
        var store = new InMemoryBudgetStore(new FakeTimeProvider(Now));
        var guard = Guard(o =>
        {
            o.PerRun = 0.50m;
            o.Tenants["acme"] = new TenantBudgetOptions { Monthly = 10m };
        }, store, ledger);

        var reservation = await guard.ReserveAsync(Context("acme", "run-7"), BudgetGuard.ToNano(0.25m), canDowngrade: false, CancellationToken.None);

        var seeded = new BudgetBalance(BudgetGuard.ToNano(0.30m), BudgetGuard.ToNano(0.25m), Seeded: true);
        Assert.Equal(seeded, await store.GetAsync(reservation.Counters[0].Key, CancellationToken.None)); // the month
        Assert.Equal(seeded, await store.GetAsync(reservation.Counters[1].Key, CancellationToken.None)); // the run
    }

    [Fact]
    public async Task ReserveAsync_BudgetFullOnlyOfAKilledProcessesCall_RefusedWithoutWaitingForIt()
    {
        // frugal run killed during a $0.25 call and started again: the new process's memory store holds that call, which
        // nothing in this process can settle, yet a call of the resumed run waited ReservationMaxWait (a minute) for it
        // to settle and was refused all the same. Refused at once now (the fake clock never lets a wait end).
        var time = new FakeTimeProvider(Now);
        var ledger = new ListLedger(
            Record("acme", Now.AddMinutes(-2), 0.25m) with { RunId = "run-7", Outcome = CostOutcome.Started, Invocation = Guid.NewGuid().ToString("N") });
        var store = new InMemoryBudgetStore(time);
        var guard = Guard(o =>
        {
            o.PerRun = 0.20m;
            o.Action = BudgetAction.Refuse;
            o.Tenants["acme"] = new TenantBudgetOptions { Monthly = 10m };
        }, store, ledger, time);

        var refused = await Assert.ThrowsAsync<BudgetExceededException>(
            () => guard.ReserveAsync(Context("acme", "run-7"), BudgetGuard.ToNano(0.05m), canDowngrade: false, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30)));

        Assert.Contains("$0.00 spent and $0.25 reserved by calls not settled yet (in flight, or cut off by a stop) of $0.20", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReserveAsync_KilledProcessesCallsAndSpendFillTheBudget_RefusedWithoutWaitingForOwnCalls()
    {
        // Its own call in flight may settle at nothing, but the killed process's call and what is spent fill the budget
        // on their own: waiting for the own call could not make room.
        var time = new FakeTimeProvider(Now);
        var ledger = new ListLedger(
            Record("acme", Now.AddMinutes(-2), 0.20m) with { RunId = "run-1", Outcome = CostOutcome.Started, Invocation = Guid.NewGuid().ToString("N") });
        var guard = Guard(o => (o.Tenants["acme"], o.Action) = (new TenantBudgetOptions { Monthly = 0.30m }, BudgetAction.Refuse), new InMemoryBudgetStore(time), ledger, time);
        await guard.ReserveAsync(Context("acme", "run-2"), BudgetGuard.ToNano(0.09m), canDowngrade: false, CancellationToken.None);
        var settled = await guard.ReserveAsync(Context("acme", "run-3"), BudgetGuard.ToNano(0.10m), canDowngrade: false, CancellationToken.None);
        await guard.SettleAsync(settled, BudgetGuard.ToNano(0.10m));

        await Assert.ThrowsAsync<BudgetExceededException>(
            () => guard.ReserveAsync(Context("acme", "run-4"), BudgetGuard.ToNano(0.01m), canDowngrade: false, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task ReserveAsync_LedgerHoldsACallKilledWithinTheLease_HoldsItUntilItsLeasePassesThenCountsItAsSpent()
    {
        // frugal run killed (kill -9, OOM) 2 minutes into a $0.25 call, and started again at once: the new process's
        // memory store left the start out as a call that might be in flight, and the month and the run never counted
        // it, where a Redis store held the call's reservation and counted it as spent when its lease passed. It is held
        // now for the rest of its lease, then spent; this process's own call in flight (its start is in the ledger too)
        // is counted once, by its reservation and settle.
        var time = new FakeTimeProvider(Now);
        var own = Record("acme", Now, 0.20m) with { RunId = "run-7", StepId = "review", Outcome = CostOutcome.Started, Invocation = CostRecord.NewInvocation() };
        var ledger = new ListLedger(
            Record("acme", Now.AddMinutes(-2), 0.25m) with { RunId = "run-7", Outcome = CostOutcome.Started, Invocation = Guid.NewGuid().ToString("N") },
            own);
        var store = new InMemoryBudgetStore(time);
        var guard = Guard(o =>
        {
            o.PerRun = 1m;
            o.Tenants["acme"] = new TenantBudgetOptions { Monthly = 10m };
        }, store, ledger, time);

        var reservation = await guard.ReserveAsync(Context("acme", "run-7"), BudgetGuard.ToNano(0.20m), canDowngrade: false, CancellationToken.None);
        var held = new BudgetBalance(0, BudgetGuard.ToNano(0.45m), Seeded: true) { Unsettleable = BudgetGuard.ToNano(0.25m) };
        Assert.Equal(held, await store.GetAsync(reservation.Counters[0].Key, CancellationToken.None)); // the month
        Assert.Equal(held, await store.GetAsync(reservation.Counters[1].Key, CancellationToken.None)); // the run

        await guard.SettleAsync(reservation, BudgetGuard.ToNano(0.05m));
        ledger.Records.Remove(own);
        ledger.Records.Add(own with { Outcome = CostOutcome.Succeeded, Dollars = 0.05m });
        time.Advance(TimeSpan.FromMinutes(8) - TimeSpan.FromTicks(1));
        Assert.Equal(new BudgetBalance(BudgetGuard.ToNano(0.05m), BudgetGuard.ToNano(0.25m), Seeded: true) { Unsettleable = BudgetGuard.ToNano(0.25m) }, await store.GetAsync(reservation.Counters[0].Key, CancellationToken.None));

        time.Advance(TimeSpan.FromTicks(1));
        var spent = new BudgetBalance(BudgetGuard.ToNano(0.30m), 0, Seeded: true);
        Assert.Equal(spent, await store.GetAsync(reservation.Counters[0].Key, CancellationToken.None));
        Assert.Equal(spent, await store.GetAsync(reservation.Counters[1].Key, CancellationToken.None));
        Assert.Equal(0.30m, await guard.MonthToDateAsync("acme", CancellationToken.None));

        // What a later process seeds from the ledger agrees: the killed call at its bound, this one at its cost.
        var later = new InMemoryBudgetStore(time);
        Assert.Equal(0.30m, await Guard(o => o.Tenants["acme"] = new TenantBudgetOptions { Monthly = 10m }, later, ledger, time).MonthToDateAsync("acme", CancellationToken.None));
    }

    [Fact]
    public async Task ReserveAsync_RunCounterHeldUnseeded_SeedsTheLargerNotTheSum()
    {
        // A run counter written before run counters were seeded holds the run's spend without the seed mark; the
        // ledger holds the same spend. Added together, the run was refused at $0.60 of $0.50 having spent $0.30.
        var store = new InMemoryBudgetStore(new FakeTimeProvider(Now));
        var key = "frugal:budget:{acme}:run:run-7";
        await store.SettleAsync([new BudgetCounter(key, BudgetGuard.ToNano(0.5m), TimeSpan.FromDays(7))], new BudgetHold("h", 0, TimeSpan.FromMinutes(10)), BudgetGuard.ToNano(0.30m), CancellationToken.None);
        var guard = Guard(o =>
        {
            o.PerRun = 0.50m;
            o.Action = BudgetAction.Refuse;
        }, store, new ListLedger(Record("acme", Now.AddHours(-1), 0.30m) with { RunId = "run-7" }));

        var reservation = await guard.ReserveAsync(Context("acme", "run-7"), BudgetGuard.ToNano(0.01m), canDowngrade: false, CancellationToken.None);

        Assert.Equal(new BudgetBalance(BudgetGuard.ToNano(0.30m), BudgetGuard.ToNano(0.01m), Seeded: true), await store.GetAsync(reservation.Counters[0].Key, CancellationToken.None));
    }

    [Fact]
    public async Task ReserveAsync_NewRunsFirstBatch_ReadsTheLedgerOnce()
    {
        var ledger = new CountingLedger();
        var guard = Guard(o => o.PerRun = 1m, ledger: ledger);

        await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => guard.ReserveAsync(Context("acme", "run-new"), 10, canDowngrade: false, CancellationToken.None)));

        Assert.Equal(1, ledger.Queries);
    }

    [Fact]
    public async Task ReserveAsync_StoreLostTheRunCounter_SeedsItFromTheLedgerNotFromZero()
    {
        var store = new RestartableStore(new FakeTimeProvider(Now));
        var ledger = new ListLedger();
        var guard = Guard(o =>
        {
            o.PerRun = 0.10m;
            o.Action = BudgetAction.Refuse;
        }, store, ledger);
        var first = await guard.ReserveAsync(Context("acme", "run-1"), BudgetGuard.ToNano(0.02m), canDowngrade: false, CancellationToken.None);
        await guard.SettleAsync(first, BudgetGuard.ToNano(0.10m));
        ledger.Records.Add(Record("acme", Now, 0.10m) with { RunId = "run-1" });

        store.Restart();

        await Assert.ThrowsAsync<BudgetExceededException>(
            () => guard.ReserveAsync(Context("acme", "run-1"), BudgetGuard.ToNano(0.03m), canDowngrade: false, CancellationToken.None));
        Assert.Equal(new BudgetBalance(BudgetGuard.ToNano(0.10m), 0, Seeded: true), await store.GetAsync(first.Counters[0].Key, CancellationToken.None));
    }

    [Fact]
    public async Task ReserveAsync_BudgetSpentWithDowngrade_AsksPremiumToDowngradeAndLetsCheapThrough()
    {
        var guard = Guard(o => o.Tenants["Default"] = new TenantBudgetOptions { Monthly = 0m });

        var premium = await guard.ReserveAsync(Context("any", "r"), 100, canDowngrade: true, CancellationToken.None);
        var cheap = await guard.ReserveAsync(Context("any", "r"), 100, canDowngrade: false, CancellationToken.None);

        Assert.True(premium.Downgrade);
        Assert.False(cheap.Downgrade);
        Assert.Equal(100, cheap.Amount);
    }

    [Fact]
    public async Task ReserveAsync_CheapCallWithDowngradeWhileCallsInFlightFillTheBudget_AdmittedWithoutWaiting()
    {
        // Under Downgrade a cheap call goes on whatever the budget holds: it waited up to ReservationMaxWait (60 s) for
        // the calls in flight to settle, and was then let through all the same.
        var time = new FakeTimeProvider(Now);
        var guard = Guard(o => o.Tenants["acme"] = new TenantBudgetOptions { Monthly = 0.001m }, time: time);
        await guard.ReserveAsync(Context("acme", "run-1"), BudgetGuard.ToNano(0.0015m), canDowngrade: true, CancellationToken.None);

        var cheap = guard.ReserveAsync(Context("acme", "run-2"), BudgetGuard.ToNano(0.0001m), canDowngrade: false, CancellationToken.None);

        // The clock does not move: a call that waits never completes.
        var reservation = await cheap.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.False(reservation.Downgrade);
        Assert.Equal(BudgetGuard.ToNano(0.0001m), reservation.Amount);
    }

    [Fact]
    public async Task SettleAsync_AfterReserve_CountsActualAndReleasesReservation()
    {
        var store = new InMemoryBudgetStore(new FakeTimeProvider(Now));
        var guard = Guard(o => o.Tenants["acme"] = new TenantBudgetOptions { Monthly = 1m }, store);

        var reservation = await guard.ReserveAsync(Context("acme", "r"), BudgetGuard.ToNano(0.5m), false, CancellationToken.None);
        await guard.SettleAsync(reservation, BudgetGuard.ToNano(0.2m));

        Assert.Equal(0.2m, await guard.MonthToDateAsync("acme", CancellationToken.None));
        var balance = await store.GetAsync(reservation.Counters[0].Key, CancellationToken.None);
        Assert.Equal(0, balance.Reserved);
    }

    [Fact]
    public async Task CheckRunStartAsync_LedgerHoldsMonthToDateSpend_RefusesWith402NamingBudgetAndSpend()
    {
        var ledger = new ListLedger(
            Record("acme", Now.AddDays(-2), 3m),
            Record("acme", Now.AddDays(-1), 2m),
            Record("acme", Now.AddMonths(-1), 50m),
            Record("other", Now, 9m));
        var guard = Guard(o =>
        {
            o.Tenants["acme"] = new TenantBudgetOptions { Monthly = 5m };
            o.Action = BudgetAction.Refuse;
        }, ledger: ledger);

        var refusal = await guard.CheckRunStartAsync("acme", CancellationToken.None);

        Assert.NotNull(refusal);
        Assert.Equal(402, refusal.StatusCode);
        Assert.Equal(5m, refusal.Limit);
        Assert.Equal(5m, refusal.Used);
        Assert.Equal(
            "tenant 'acme' has spent $5.00 of its monthly budget of $5.00 (Frugal:Budgets:Tenants:acme:Monthly); new runs are refused until the month ends or the budget is raised",
            refusal.Detail);
        Assert.Null(await guard.CheckRunStartAsync("other", CancellationToken.None));
    }

    [Fact]
    public async Task CheckRunStartAsync_DowngradeAction_AdmitsRunsOfSpentTenant()
    {
        var guard = Guard(o => o.Tenants["acme"] = new TenantBudgetOptions { Monthly = 0m }, ledger: new ListLedger(Record("acme", Now, 1m)));

        Assert.Null(await guard.CheckRunStartAsync("acme", CancellationToken.None));
    }

    [Fact]
    public async Task CheckRunStartAsync_TenantOverTokensPerMinute_Refuses429WithSecondsToNextMinute()
    {
        var guard = Guard(o => o.Tenants["acme"] = new TenantBudgetOptions { TokensPerMinute = 100 });
        await guard.AcquireTokensAsync("acme", 150, CancellationToken.None);

        var refusal = await guard.CheckRunStartAsync("acme", CancellationToken.None);

        Assert.NotNull(refusal);
        Assert.Equal(429, refusal.StatusCode);
        Assert.Equal(30, refusal.RetryAfterSeconds);
        Assert.Equal(
            "tenant 'acme' used 150 tokens this minute, over its limit of 100 (Frugal:Budgets:Tenants:acme:TokensPerMinute); retry after 30 s",
            refusal.Detail);
    }

    [Fact]
    public async Task AcquireTokensAsync_OverLimitWithNoWait_ThrowsNamingTenantLimitAndRetryAfter()
    {
        var guard = Guard(o =>
        {
            o.Tenants["Default"] = new TenantBudgetOptions { TokensPerMinute = 100 };
            o.TokensPerMinuteMaxWait = TimeSpan.Zero;
        });
        await guard.AcquireTokensAsync("acme", 100, CancellationToken.None);

        var ex = await Assert.ThrowsAsync<TokenRateLimitExceededException>(() => guard.AcquireTokensAsync("acme", 1, CancellationToken.None));

        Assert.Equal(30, ex.RetryAfterSeconds);
        Assert.Equal(
            "tenant 'acme' is over its limit of 100 tokens per minute (Frugal:Budgets:Tenants:Default:TokensPerMinute) and waited 0 s of at most 0 s (Frugal:Budgets:TokensPerMinuteMaxWait); retry after 30 s",
            ex.Message);
    }

    [Fact]
    public async Task AcquireTokensAsync_OverLimit_WaitsForNextMinuteThenCounts()
    {
        var time = new FakeTimeProvider(Now);
        var store = new InMemoryBudgetStore(time);
        var guard = Guard(o => o.Tenants["acme"] = new TenantBudgetOptions { TokensPerMinute = 100 }, store, time: time);
        await guard.AcquireTokensAsync("acme", 120, CancellationToken.None);

        var waiting = guard.AcquireTokensAsync("acme", 10, CancellationToken.None);
        Assert.False(waiting.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(30));
        await waiting;

        Assert.Null(await guard.CheckRunStartAsync("acme", CancellationToken.None));
    }

    [Fact]
    public async Task CorrectTokensAsync_ActualBelowEstimate_FreesTheDifference()
    {
        var guard = Guard(o => o.Tenants["acme"] = new TenantBudgetOptions { TokensPerMinute = 100 });
        var charge = await guard.AcquireTokensAsync("acme", 100, CancellationToken.None);

        await guard.CorrectTokensAsync(charge, 60);

        Assert.Null(await guard.CheckRunStartAsync("acme", CancellationToken.None));
    }

    [Fact]
    public async Task CorrectTokensAsync_CallEndedInTheNextMinute_CorrectsTheMinuteItWasCountedIn()
    {
        // The correction went to the minute the call ended in: a refund of 90 over-estimated tokens opened that minute
        // at -90, and the tenant could use 190 tokens in it against a limit of 100.
        var time = new FakeTimeProvider(Now);
        var store = new InMemoryBudgetStore(time);
        var guard = Guard(o => (o.Tenants["acme"], o.TokensPerMinuteMaxWait) = (new TenantBudgetOptions { TokensPerMinute = 100 }, TimeSpan.Zero), store, time: time);
        var charge = await guard.AcquireTokensAsync("acme", 100, CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(60));

        await guard.CorrectTokensAsync(charge, 10);

        await guard.AcquireTokensAsync("acme", 100, CancellationToken.None);
        await Assert.ThrowsAsync<TokenRateLimitExceededException>(() => guard.AcquireTokensAsync("acme", 1, CancellationToken.None));
        Assert.Equal(10, await store.GetTokensAsync(charge.Window!, CancellationToken.None));
    }

    [Fact]
    public async Task ReserveAsync_StoreLostTheMonthCounter_SeedsItAgainFromTheLedger()
    {
        // A Redis restart (Basic has no replica) drops the counters; this process had seeded the month already.
        var store = new RestartableStore(new FakeTimeProvider(Now));
        var guard = Guard(o =>
        {
            o.Tenants["acme"] = new TenantBudgetOptions { Monthly = 1m };
            o.Action = BudgetAction.Refuse;
        }, store, new ListLedger(Record("acme", Now.AddDays(-3), 1m)));
        await Assert.ThrowsAsync<BudgetExceededException>(() => guard.ReserveAsync(Context("acme", "run-1"), 10, canDowngrade: false, CancellationToken.None));

        store.Restart();

        await Assert.ThrowsAsync<BudgetExceededException>(() => guard.ReserveAsync(Context("acme", "run-2"), 10, canDowngrade: false, CancellationToken.None));
        Assert.Equal(1m, await guard.MonthToDateAsync("acme", CancellationToken.None));
    }

    [Fact]
    public async Task SettleAsync_StoreLostItsCountersDuringTheCall_CountsTheCallOnTopOfWhatTheLedgerHolds()
    {
        // Redis restarted while calls were in flight: their settles, retried until it was back, landed on counters without
        // their seed, and the seed that followed kept the larger of the two, the ledger's $1, which does not hold these
        // calls (a call's record is written after its settle), so the month and the run lost them: a load test through a
        // restart left acme's month $0.001 short of its ledger, and a budget could pass its limit by that much more.
        var store = new RestartableStore(new FakeTimeProvider(Now));
        var guard = Guard(o =>
        {
            o.Tenants["acme"] = new TenantBudgetOptions { Monthly = 5m };
            o.PerRun = 2m;
            o.Action = BudgetAction.Refuse;
        }, store, new ListLedger(Record("acme", Now.AddHours(-1), 1m) with { RunId = "run-1" }));
        var inFlight = await guard.ReserveAsync(Context("acme", "run-1"), BudgetGuard.ToNano(0.5m), canDowngrade: false, CancellationToken.None);

        store.Restart();
        await guard.SettleAsync(inFlight, BudgetGuard.ToNano(0.30m));

        Assert.Equal(new BudgetBalance(BudgetGuard.ToNano(1.30m), 0, Seeded: true), await store.GetAsync(inFlight.Counters[1].Key, CancellationToken.None));
        Assert.Equal(1.30m, await guard.MonthToDateAsync("acme", CancellationToken.None));
    }

    [Fact]
    public async Task SettleAsync_StoreLostItsCountersAndTheLedgerFails_FailsAsTheStoreNotAnswering()
    {
        // The caller keeps a call's billed answer when its settle fails as the store not answering; the ledger's own error
        // replaced the answer, and the step's retry paid again.
        var store = new RestartableStore(new FakeTimeProvider(Now));
        var ledger = new FailingLedger();
        var guard = Guard(o => o.Tenants["acme"] = new TenantBudgetOptions { Monthly = 5m }, store, ledger);
        var inFlight = await guard.ReserveAsync(Context("acme", "run-1"), BudgetGuard.ToNano(0.5m), canDowngrade: false, CancellationToken.None);

        store.Restart();
        ledger.Fail = true;

        var ex = await Assert.ThrowsAsync<BudgetStoreUnavailableException>(() => guard.SettleAsync(inFlight, BudgetGuard.ToNano(0.30m)));
        Assert.Equal("budget counter frugal:budget:{acme}:month:2025-03, lost by the store during the call, could not be seeded again from the cost ledger: disk I/O error", ex.Message);
    }

    [Fact]
    public async Task MonthToDateAsync_LedgerHoldsUnpricedOnnxCalls_SeedsThemAsTheirSettleCountedThem()
    {
        // An onnx call without Frugal:Inference:GpuProfile settles at $0 (its GPU seconds are unpriced) and its record is
        // unpriced with the classifier's word pieces as its tokens: the seed priced those at gpt-4o's input price, so a
        // new process (frugal run's memory store) or a Redis restart charged the month for every onnx call again.
        var ledger = new ListLedger(
            Record("acme", Now.AddDays(-1), 0m) with { Tier = CostTier.Onnx, Model = "intent-classifier", Priced = false, InputTokens = 400_000, GpuSeconds = 0.02 },
            Record("acme", Now.AddDays(-1), 0.05m) with { Tier = CostTier.Cheap, Model = "gpt-4o-mini" });
        var guard = Guard(o => o.Tenants["acme"] = new TenantBudgetOptions { Monthly = 10m }, ledger: ledger);

        Assert.Equal(0.05m, await guard.MonthToDateAsync("acme", CancellationToken.None));
    }

    [Fact]
    public async Task MonthToDateAsync_LedgerHoldsGpuSecondsOfSemanticLookupsAndRouters_SeedsOnlyWhatBudgetsCharge()
    {
        // A semantic lookup's embeddings (deterministic tier) and a learned router's (no tier) on the inference app are
        // recorded with their GPU seconds priced (Frugal:Inference:GpuProfile), but no budget charges them as they run:
        // only hosted calls (BudgetChatClient) and onnx steps (OnnxStepHandler) reserve and settle. A seed that summed
        // every priced record charged them to the month in each new process (frugal run's memory store) or after a
        // Redis restart, where the live counter never had.
        var ledger = new ListLedger(
            Record("acme", Now.AddDays(-1), 0.05m) with { Tier = CostTier.Cheap, Model = "gpt-4o-mini" },
            Record("acme", Now.AddDays(-1), 0.10m) with { Tier = CostTier.Onnx, Model = "intent-classifier", GpuSeconds = 40 },
            Record("acme", Now.AddDays(-1), 0.40m) with { Tier = CostTier.Deterministic, Provider = "frugal-inference", GpuSeconds = 160 },
            Record("acme", Now.AddDays(-1), 0.20m) with { Tier = CostTier.None, Provider = "frugal-inference", GpuSeconds = 80 });
        var guard = Guard(o => o.Tenants["acme"] = new TenantBudgetOptions { Monthly = 10m }, ledger: ledger);

        Assert.Equal(0.15m, await guard.MonthToDateAsync("acme", CancellationToken.None));
    }

    [Fact]
    public async Task ReserveAsync_LedgerHoldsUnpricedCallsOfAModelTheTableLacks_SeedsThemAtTheDearestPrice()
    {
        // A self-hosted model the price table does not know counts against budgets at the dearest model's prices, but
        // its records are unpriced ($0): a new process (frugal run's memory store) or a Redis restart seeded the month
        // from them at $0, and the tenant got its whole budget again however much it had used.
        var ledger = new ListLedger(
            Record("acme", Now.AddDays(-1), 0m) with { Model = "my-llama-70b", Priced = false, InputTokens = 10_000, OutputTokens = 100_000 },
            Record("acme", Now.AddDays(-1), 0m) with { Model = "my-llama-70b", Priced = false, InputTokens = 10_000, OutputTokens = 0 },
            Record("acme", Now.AddDays(-1), 0.05m) with { Model = "gpt-4o-mini" });
        var guard = Guard(o => (o.Tenants["acme"], o.Action, o.ReservationMaxWait) = (new TenantBudgetOptions { Monthly = 1m }, BudgetAction.Refuse, TimeSpan.Zero), ledger: ledger);

        // gpt-4o, the dearest: 10,000 x $2.50/M + 100,000 x $10/M = $1.025, then 10,000 x $2.50/M = $0.025.
        var ex = await Assert.ThrowsAsync<BudgetExceededException>(
            () => guard.ReserveAsync(Context("acme", "run-1"), 10, canDowngrade: false, CancellationToken.None));

        Assert.StartsWith("tenant 'acme' has spent its monthly budget: $1.10 of $1.00 ", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1.10m, await guard.MonthToDateAsync("acme", CancellationToken.None));
    }

    [Fact]
    public async Task MonthToDateAsync_LedgerThatSums_SeedsFromItsSumsWithoutReadingRecords()
    {
        // Reading every record of a tenant's month took seconds for a million of them, on each process's first call;
        // a ledger that sums where it stores hands back totals, and the unpriced calls still count at the dearest prices.
        var ledger = new SummingLedger(new CostSpend(0.05m, [new UnpricedSpend(CostTier.Cheap, "my-llama-70b", new TokenUsage(10_000, 0, 100_000, 0), 0m, 3)]));
        var guard = Guard(o => o.Tenants["acme"] = new TenantBudgetOptions { Monthly = 10m }, ledger: ledger);

        // gpt-4o, the dearest: 3 x (10,000 x $2.50/M + 100,000 x $10/M) = 3 x $1.025.
        Assert.Equal(3.125m, await guard.MonthToDateAsync("acme", CancellationToken.None));
        var query = Assert.Single(ledger.Queries);
        Assert.Equal(("acme", new DateTimeOffset(Now.Year, Now.Month, 1, 0, 0, 0, TimeSpan.Zero)), (query.Tenant, query.Since));
    }

    [Fact]
    public async Task MonthToDateAsync_StoreLostTheMonthCounter_ReadsTheLedgerSpendAgain()
    {
        var store = new RestartableStore(new FakeTimeProvider(Now));
        var guard = Guard(o => o.Tenants["acme"] = new TenantBudgetOptions { Monthly = 5m }, store, new ListLedger(Record("acme", Now.AddDays(-1), 2m)));
        Assert.Equal(2m, await guard.MonthToDateAsync("acme", CancellationToken.None));

        store.Restart();

        Assert.Equal(2m, await guard.MonthToDateAsync("acme", CancellationToken.None));
        Assert.Null(await guard.CheckRunStartAsync("acme", CancellationToken.None));
    }

    [Fact]
    public async Task MonthToDateAsync_SeededAcrossMidnightAtMonthEnd_SumsTheCountersMonth()
    {
        // The counter is made for March a moment before midnight; the clock's next read is April. Read from the clock
        // again, the seed summed April (about nothing) into March's counter, and a spent tenant got its budget back.
        var lastTick = new DateTimeOffset(2025, 3, 31, 23, 59, 59, 999, TimeSpan.Zero);
        var time = new FakeTimeProvider(lastTick) { AutoAdvanceAmount = TimeSpan.FromMilliseconds(1) };
        var store = new InMemoryBudgetStore(new FakeTimeProvider(lastTick));
        var ledger = new ListLedger(
            Record("acme", new DateTimeOffset(2025, 2, 28, 23, 59, 59, TimeSpan.Zero), 7m),
            Record("acme", new DateTimeOffset(2025, 3, 1, 0, 0, 0, TimeSpan.Zero), 1m),
            Record("acme", lastTick.AddMilliseconds(-1), 2m),
            Record("acme", lastTick.AddMilliseconds(1), 0.25m),
            Record("acme", new DateTimeOffset(2025, 4, 2, 0, 0, 0, TimeSpan.Zero), 4m));
        var guard = Guard(o => o.Tenants["acme"] = new TenantBudgetOptions { Monthly = 5m }, store, ledger, time);

        var spent = await guard.MonthToDateAsync("acme", CancellationToken.None);

        Assert.Equal(3m, spent);
        Assert.Equal(new BudgetBalance(BudgetGuard.ToNano(3m), 0, Seeded: true), await store.GetAsync("frugal:budget:{acme}:month:2025-03", CancellationToken.None));
        Assert.Equal(4, time.GetUtcNow().Month); // the clock did pass midnight during the call
    }

    [Fact]
    public void MaxCost_ModelWhoseReasoningCostsMoreThanItsOutput_ReservesTheOutputAtTheReasoningPrice()
    {
        // Reserved at the output price only, such a call could cost more than its reservation: a budget's last headroom
        // let calls through that together passed it by more than one call's maximum.
        var prices = PriceTable.Parse("""
            { "version": "v1", "models": { "thinker": { "input": 0.15, "cached_input": 0.0375, "output": 0.60, "reasoning": 3.50 } } }
            """, "prices.json");
        var time = new FakeTimeProvider(Now);
        var guard = new BudgetGuard(Options.Create(new BudgetOptions()), new InMemoryBudgetStore(time), prices, time);

        // 1,000 prompt tokens at $0.15 a million and 1,000 output tokens that may all be reasoning, at $3.50.
        Assert.Equal(BudgetGuard.ToNano(0.00365m), guard.MaxCost("thinker", 1000, 1000));
    }

    internal static FrugalChatContext Context(string tenant, string runId) => new(runId, "triage", tenant, "answer", 1, "premium");

    private static BudgetGuard Guard(Action<BudgetOptions> configure, IBudgetStore? store = null, ICostLedger? ledger = null, TimeProvider? time = null)
    {
        var options = new BudgetOptions();
        configure(options);
        time ??= new FakeTimeProvider(Now);
        return new BudgetGuard(Options.Create(options), store ?? new InMemoryBudgetStore(time), PriceTable.LoadDefault(), time, ledger);
    }

    private static CostRecord Record(string tenant, DateTimeOffset at, decimal dollars) => new()
    {
        RunId = Guid.NewGuid().ToString("N"),
        Workflow = "triage",
        StepId = "answer",
        Tenant = tenant,
        Tier = CostTier.Cheap,
        Dollars = dollars,
        StartedAt = at,
        CompletedAt = at,
    };

    /// <summary>A ledger that sums where it stores: it hands back <paramref name="spend"/> and has no records to read.</summary>
    private sealed class SummingLedger(CostSpend spend) : ICostLedger
    {
        public List<CostQuery> Queries { get; } = [];

        public Task<IReadOnlyList<CostRecord>> AppendAsync(IReadOnlyList<CostRecord> records, CancellationToken cancellationToken) => Task.FromResult(records);

        public IAsyncEnumerable<CostRecord> QueryAsync(CostQuery query, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("the seed read every record instead of the ledger's sums");

        public Task<CostSpend> SpendAsync(CostQuery query, CancellationToken cancellationToken)
        {
            Queries.Add(query);
            return Task.FromResult(spend);
        }

        public Task<long> PurgeAsync(DateTimeOffset before, CancellationToken cancellationToken) => Task.FromResult(0L);
    }

    /// <summary>An empty ledger whose reads fail once <see cref="Fail"/> is set.</summary>
    private sealed class FailingLedger : ICostLedger
    {
        public bool Fail { get; set; }

        public Task<IReadOnlyList<CostRecord>> AppendAsync(IReadOnlyList<CostRecord> records, CancellationToken cancellationToken) => Task.FromResult(records);

        public async IAsyncEnumerable<CostRecord> QueryAsync(CostQuery query, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
        {
            await Task.Yield();
            if (Fail)
            {
                throw new IOException("disk I/O error");
            }

            yield break;
        }

        public Task<long> PurgeAsync(DateTimeOffset before, CancellationToken cancellationToken) => Task.FromResult(0L);
    }

    /// <summary>An empty ledger that counts its queries, each slow enough that concurrent callers overlap.</summary>
    private sealed class CountingLedger : ICostLedger
    {
        private int _queries;

        public int Queries => _queries;

        public Task<IReadOnlyList<CostRecord>> AppendAsync(IReadOnlyList<CostRecord> records, CancellationToken cancellationToken) => Task.FromResult(records);

        public async IAsyncEnumerable<CostRecord> QueryAsync(CostQuery query, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _queries);
            await Task.Delay(50, cancellationToken);
            yield break;
        }

        public Task<long> PurgeAsync(DateTimeOffset before, CancellationToken cancellationToken) => Task.FromResult(0L);
    }

    /// <summary>The in-process store, running <see cref="AfterRefusal"/> once after a reservation it refuses (another
    /// instance's settle landing between the refusal and what the guard does next).</summary>
    private sealed class InterceptingStore(InMemoryBudgetStore inner) : IBudgetStore
    {
        public Func<Task>? AfterRefusal { get; set; }

        public async Task<int> TryReserveAsync(IReadOnlyList<BudgetCounter> counters, BudgetHold hold, bool force, CancellationToken cancellationToken)
        {
            int result = await inner.TryReserveAsync(counters, hold, force, cancellationToken);
            if (result >= 0 && AfterRefusal is { } after)
            {
                AfterRefusal = null;
                await after();
            }

            return result;
        }

        public Task<int> SettleAsync(IReadOnlyList<BudgetCounter> counters, BudgetHold hold, long actual, CancellationToken cancellationToken) =>
            inner.SettleAsync(counters, hold, actual, cancellationToken);

        public Task<BudgetBalance> GetAsync(string key, CancellationToken cancellationToken) => inner.GetAsync(key, cancellationToken);

        public Task SeedAsync(BudgetCounter counter, long spent, IReadOnlyList<BudgetHold> held, CancellationToken cancellationToken) => inner.SeedAsync(counter, spent, held, cancellationToken);

        public Task<bool> AddTokensAsync(string key, long tokens, long limit, bool check, TimeSpan timeToLive, CancellationToken cancellationToken) =>
            inner.AddTokensAsync(key, tokens, limit, check, timeToLive, cancellationToken);

        public Task<long> GetTokensAsync(string key, CancellationToken cancellationToken) => inner.GetTokensAsync(key, cancellationToken);
    }

    /// <summary>The in-process store, whose contents can be dropped as a restarted Redis drops them.</summary>
    private sealed class RestartableStore(TimeProvider time) : IBudgetStore
    {
        private InMemoryBudgetStore _inner = new(time);

        public void Restart() => _inner = new InMemoryBudgetStore(time);

        public Task<int> TryReserveAsync(IReadOnlyList<BudgetCounter> counters, BudgetHold hold, bool force, CancellationToken cancellationToken) =>
            _inner.TryReserveAsync(counters, hold, force, cancellationToken);

        public Task<int> SettleAsync(IReadOnlyList<BudgetCounter> counters, BudgetHold hold, long actual, CancellationToken cancellationToken) =>
            _inner.SettleAsync(counters, hold, actual, cancellationToken);

        public Task<BudgetBalance> GetAsync(string key, CancellationToken cancellationToken) => _inner.GetAsync(key, cancellationToken);

        public Task SeedAsync(BudgetCounter counter, long spent, IReadOnlyList<BudgetHold> held, CancellationToken cancellationToken) => _inner.SeedAsync(counter, spent, held, cancellationToken);

        public Task<bool> AddTokensAsync(string key, long tokens, long limit, bool check, TimeSpan timeToLive, CancellationToken cancellationToken) =>
            _inner.AddTokensAsync(key, tokens, limit, check, timeToLive, cancellationToken);

        public Task<long> GetTokensAsync(string key, CancellationToken cancellationToken) => _inner.GetTokensAsync(key, cancellationToken);
    }
}
