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

        Assert.Equal(IBudgetStore.Unseeded(1), await store.TryReserveAsync(counters, 10, force: false, CancellationToken.None));
        Assert.Equal(0, (await store.GetAsync(counters[0].Key, CancellationToken.None)).Reserved);

        await store.SeedAsync(counters[1], 300, CancellationToken.None);
        Assert.Equal(-1, await store.TryReserveAsync(counters, 10, force: false, CancellationToken.None));
        Assert.Equal(new BudgetBalance(300, 10, Seeded: true), await store.GetAsync(counters[1].Key, CancellationToken.None));

        // What a restarted or flushed cache looks like to the app: the key is gone.
        await using (var connection = await ConnectionMultiplexer.ConnectAsync(BudgetedModels.Redis))
        {
            await connection.GetDatabase().KeyDeleteAsync(counters[1].Key);
        }

        Assert.False((await store.GetAsync(counters[1].Key, CancellationToken.None)).Seeded);
        Assert.Equal(IBudgetStore.Unseeded(1), await store.TryReserveAsync(counters, 10, force: true, CancellationToken.None));
    }

    [Fact]
    public async Task TryReserveAsync_RedisUnreachable_FailsNamingTheSettingAndDisposesQuietly()
    {
        // The connect error of an unreachable Redis was the client's own advice, and disposing the store at exit threw
        // it again: an unhandled exception after the run's summary (exit 134).
        var port = FreePort();
        var store = new RedisBudgetStore($"127.0.0.1:{port},connectTimeout=200,syncTimeout=500,asyncTimeout=500");
        BudgetCounter[] counters = [new("frugal:test:{unreachable}:run", 1_000, TimeSpan.FromMinutes(5))];

        var ex = await Assert.ThrowsAsync<BudgetStoreUnavailableException>(() => store.TryReserveAsync(counters, 10, force: false, CancellationToken.None));

        Assert.StartsWith($"the budget store (Redis at 127.0.0.1:{port}, Frugal:Budgets:RedisConnectionString) did not answer: ", ex.Message, StringComparison.Ordinal);
        await store.DisposeAsync();
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
