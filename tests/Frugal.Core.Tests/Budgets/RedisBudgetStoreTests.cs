using Frugal.Budgets;
using StackExchange.Redis;

namespace Frugal.Core.Tests.Budgets;

/// <summary>The Redis store's scripts against the real server (eng/services.sh; FRUGAL_TEST_REDIS).</summary>
public sealed class RedisBudgetStoreTests
{
    [Fact]
    public async Task TryReserveAsync_LedgerCounterWithoutItsSeed_ReservesNothingAndSaysWhich()
    {
        await using var store = new RedisBudgetStore(BudgetedModels.Redis);
        var key = $"frugal:test:{{{Guid.NewGuid():N}}}";
        BudgetCounter[] counters = [new(key + ":run", 1_000, TimeSpan.FromMinutes(5)), new(key + ":month", 1_000, TimeSpan.FromMinutes(5), FromLedger: true)];

        Assert.Equal(IBudgetStore.Unseeded(1), await store.TryReserveAsync(counters, Hold(10), force: false, CancellationToken.None));
        Assert.Equal(0, (await store.GetAsync(counters[0].Key, CancellationToken.None)).Reserved);

        await store.SeedAsync(counters[1], 300, [], CancellationToken.None);
        Assert.Equal(-1, await store.TryReserveAsync(counters, Hold(10), force: false, CancellationToken.None));
        Assert.Equal(new BudgetBalance(300, 10, Seeded: true), await store.GetAsync(counters[1].Key, CancellationToken.None));

        // What a restarted or flushed cache looks like to the app: the key is gone.
        await using (var connection = await ConnectionMultiplexer.ConnectAsync(BudgetedModels.Redis))
        {
            await connection.GetDatabase().KeyDeleteAsync(counters[1].Key);
        }

        Assert.False((await store.GetAsync(counters[1].Key, CancellationToken.None)).Seeded);
        Assert.Equal(IBudgetStore.Unseeded(1), await store.TryReserveAsync(counters, Hold(10), force: true, CancellationToken.None));
    }

    [Fact]
    public async Task SettleAsync_LedgerCounterLostItsSeed_SettlesNothingAndSaysWhich()
    {
        // A restarted or flushed Redis: a call in flight settles on a counter without its seed. Counted there, the seed
        // that followed kept the larger of it and the ledger, which does not hold the call yet, and the call was lost.
        await using var store = new RedisBudgetStore(BudgetedModels.Redis);
        var key = $"frugal:test:{{{Guid.NewGuid():N}}}";
        BudgetCounter[] counters = [new(key + ":run", 1_000, TimeSpan.FromMinutes(5)), new(key + ":month", 1_000, TimeSpan.FromMinutes(5), FromLedger: true)];
        await store.SeedAsync(counters[1], 300, [], CancellationToken.None);
        var hold = Hold(100);
        Assert.Equal(-1, await store.TryReserveAsync(counters, hold, force: false, CancellationToken.None));
        await DeleteAsync(counters[1].Key);

        Assert.Equal(IBudgetStore.Unseeded(1), await store.SettleAsync(counters, hold, 40, CancellationToken.None));
        Assert.Equal(new BudgetBalance(0, 100, Seeded: false), await store.GetAsync(counters[0].Key, CancellationToken.None));
        Assert.Equal(new BudgetBalance(0, 0, Seeded: false), await store.GetAsync(counters[1].Key, CancellationToken.None));

        await store.SeedAsync(counters[1], 500, [], CancellationToken.None);
        Assert.Equal(-1, await store.SettleAsync(counters, hold, 40, CancellationToken.None));
        Assert.Equal(new BudgetBalance(40, 0, Seeded: false), await store.GetAsync(counters[0].Key, CancellationToken.None));
        Assert.Equal(new BudgetBalance(540, 0, Seeded: true), await store.GetAsync(counters[1].Key, CancellationToken.None));
        await DeleteAsync(counters[0].Key);
        await DeleteAsync(counters[1].Key);
    }

    [Fact]
    public async Task SeedAsync_CounterHoldingSpendUnseeded_KeepsTheLargerNotTheSum()
    {
        // Spend settled on a counter by a version that did not seed run counters (and did not mark it as one the ledger
        // seeds) is in the ledger's seed too: added, it was counted twice.
        await using var store = new RedisBudgetStore(BudgetedModels.Redis);
        var counter = new BudgetCounter($"frugal:test:{{{Guid.NewGuid():N}}}:run", 1_000, TimeSpan.FromMinutes(5), FromLedger: true);
        await store.SettleAsync([counter with { FromLedger = false }], Hold(0), 300, CancellationToken.None);

        await store.SeedAsync(counter, 300, [], CancellationToken.None);
        await store.SeedAsync(counter, 900, [], CancellationToken.None);

        Assert.Equal(new BudgetBalance(300, 0, Seeded: true), await store.GetAsync(counter.Key, CancellationToken.None));
    }

    [Fact]
    public async Task SeedAsync_HoldsOfOtherProcessesCalls_Ignored()
    {
        // Every process reserves its calls here (a killed one's holds stay until their leases pass): held again from
        // their starts, a live instance's call was counted twice, at its bound and at its cost.
        await using var store = new RedisBudgetStore(BudgetedModels.Redis);
        var counter = new BudgetCounter($"frugal:test:{{{Guid.NewGuid():N}}}:month", 1_000, TimeSpan.FromMinutes(5), FromLedger: true);

        await store.SeedAsync(counter, 300, [new BudgetHold("other", 200, TimeSpan.FromMinutes(3))], CancellationToken.None);

        Assert.Equal(new BudgetBalance(300, 0, Seeded: true), await store.GetAsync(counter.Key, CancellationToken.None));
    }

    [Fact]
    public async Task TryReserveAsync_RedisUnreachable_FailsNamingTheSettingAndDisposesQuietly()
    {
        // The connect error of an unreachable Redis was the client's own advice, and disposing the store at exit threw
        // it again: an unhandled exception after the run's summary (exit 134).
        var port = FreePort();
        var store = new RedisBudgetStore($"127.0.0.1:{port},connectTimeout=200,syncTimeout=500,asyncTimeout=500");
        BudgetCounter[] counters = [new("frugal:test:{unreachable}:run", 1_000, TimeSpan.FromMinutes(5))];

        var ex = await Assert.ThrowsAsync<BudgetStoreUnavailableException>(() => store.TryReserveAsync(counters, Hold(10), force: false, CancellationToken.None));

        Assert.StartsWith($"the budget store (Redis at 127.0.0.1:{port}, Frugal:Budgets:RedisConnectionString) did not answer: ", ex.Message, StringComparison.Ordinal);
        await store.DisposeAsync();
    }

    [Fact]
    public async Task TryReserveAsync_HoldWhoseLeasePassedUnsettled_CountsAsSpentUntilItsLateSettlementCorrectsIt()
    {
        // A host that stops during a call never settles it; its maximum stayed reserved on every instance's counter.
        // Released when its lease passed, the spend of a call whose settle could not reach Redis was lost for the month.
        await using var store = new RedisBudgetStore(BudgetedModels.Redis);
        BudgetCounter[] counters = [new($"frugal:test:{{{Guid.NewGuid():N}}}:run", 1_000, TimeSpan.FromMinutes(5))];
        var orphan = new BudgetHold("orphan", 900, TimeSpan.FromSeconds(3));
        Assert.Equal(-1, await store.TryReserveAsync(counters, orphan, force: false, CancellationToken.None));
        Assert.Equal(-1, await store.TryReserveAsync(counters, Hold(200), force: false, CancellationToken.None));
        Assert.Equal(0, await store.TryReserveAsync(counters, Hold(50), force: false, CancellationToken.None));

        await Task.Delay(TimeSpan.FromSeconds(3.5)); // Redis's clock decides; a fake one cannot stand in

        // A read counts lapsed holds too (a balance read shows only what calls still in flight hold).
        Assert.Equal(new BudgetBalance(900, 200, Seeded: false), await store.GetAsync(counters[0].Key, CancellationToken.None));
        Assert.Equal(0, await store.TryReserveAsync(counters, Hold(50), force: false, CancellationToken.None));

        await store.SettleAsync(counters, orphan, 100, CancellationToken.None);
        await store.SettleAsync(counters, orphan, 100, CancellationToken.None);
        Assert.Equal(new BudgetBalance(100, 200, Seeded: false), await store.GetAsync(counters[0].Key, CancellationToken.None));
        var next = Hold(50);
        Assert.Equal(-1, await store.TryReserveAsync(counters, next, force: false, CancellationToken.None));
        await store.SettleAsync(counters, next, 40, CancellationToken.None);
        Assert.Equal(new BudgetBalance(140, 200, Seeded: false), await store.GetAsync(counters[0].Key, CancellationToken.None));
        await DeleteAsync(counters[0].Key);
    }

    [Fact]
    public async Task SettleAsync_SameReservationSettledTwice_CountsItOnce()
    {
        // A settle whose reply was lost to a timeout is sent again; its first attempt may have landed.
        await using var store = new RedisBudgetStore(BudgetedModels.Redis);
        var key = $"frugal:test:{{{Guid.NewGuid():N}}}";
        BudgetCounter[] counters = [new(key + ":month", 1_000, TimeSpan.FromMinutes(5)), new(key + ":run", 1_000, TimeSpan.FromMinutes(5))];
        var hold = Hold(500);
        var other = Hold(200);
        Assert.Equal(-1, await store.TryReserveAsync(counters, hold, force: false, CancellationToken.None));
        Assert.Equal(-1, await store.TryReserveAsync(counters, other, force: false, CancellationToken.None));

        await store.SettleAsync(counters, hold, 300, CancellationToken.None);
        await store.SettleAsync(counters, hold, 300, CancellationToken.None);

        foreach (var counter in counters)
        {
            Assert.Equal(new BudgetBalance(300, 200, Seeded: false), await store.GetAsync(counter.Key, CancellationToken.None));
            await DeleteAsync(counter.Key);
        }
    }

    [Fact]
    public async Task SettleAsync_CounterGoneWhileItsHoldsRemain_NeverHoldsLessThanNothing()
    {
        // A counter evicted or deleted (an operator resetting a budget) while its holds remained came back at
        // h = -900, and ten more calls of 100 were let in against a limit of 1,000.
        await using var store = new RedisBudgetStore(BudgetedModels.Redis);
        var key = $"frugal:test:{{{Guid.NewGuid():N}}}:run";
        BudgetCounter[] counters = [new(key, 1_000, TimeSpan.FromMinutes(5))];
        var held = Hold(900);
        Assert.Equal(-1, await store.TryReserveAsync(counters, held, force: false, CancellationToken.None));
        await using (var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(BudgetedModels.Redis))
        {
            await redis.GetDatabase().KeyDeleteAsync(key);
        }

        await store.SettleAsync(counters, held, 900, CancellationToken.None);

        Assert.Equal(new BudgetBalance(900, 0, Seeded: false), await store.GetAsync(key, CancellationToken.None));
        Assert.Equal(-1, await store.TryReserveAsync(counters, Hold(50), force: false, CancellationToken.None));
        Assert.Equal(-1, await store.TryReserveAsync(counters, Hold(100), force: false, CancellationToken.None)); // 950 < 1,000
        Assert.Equal(0, await store.TryReserveAsync(counters, Hold(10), force: false, CancellationToken.None));  // 1,050: full
    }

    private static async Task DeleteAsync(string key)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(BudgetedModels.Redis);
        await redis.GetDatabase().KeyDeleteAsync([key, key + ":holds", key + ":settled"]);
    }

    private static BudgetHold Hold(long amount) => new(Guid.NewGuid().ToString("N"), amount, TimeSpan.FromMinutes(10));

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
