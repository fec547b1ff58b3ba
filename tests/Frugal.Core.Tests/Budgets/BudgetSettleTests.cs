using Frugal.Budgets;
using Frugal.Costs;
using Frugal.Models;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace Frugal.Core.Tests.Budgets;

/// <summary>
/// Settling a call when Redis blips: against a redis-server of the test's own that it stops and starts again, and
/// against the shared test server (database 9) for a reply lost after the settle landed. The guard's retries wait on a
/// fake clock the test moves on; leases run on Redis's own clock.
/// </summary>
public sealed class BudgetSettleTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 10, 0, 0, TimeSpan.Zero);
    private static readonly long CallCost = BudgetGuard.ToNano((10 * 2.50m + 5 * 10.00m) / 1_000_000m);

    [Fact]
    public async Task GetResponseAsync_RedisStopsDuringTheCallAndComesBack_SettlesWhenItAnswersAgain()
    {
        // The settle met Redis down, the warning was logged and the answer kept, but the call's spend was never added:
        // its hold was released when its lease passed, and the month's counter was short of it for good.
        await using var redis = await OwnRedisServer.StartAsync();
        await using var store = redis.NewStore();
        var attempts = new SettleAttempts(store);
        var time = new FakeTimeProvider(Now);
        var guard = Guard(attempts, time, "acme", TimeSpan.FromMinutes(10));
        string month = MonthKey("acme");
        long reserved = 0;
        using var client = new BudgetChatClient(new AnsweringChatClient(async () =>
        {
            reserved = (await AnswersAgainAsync(store, month)).Reserved;
            await redis.StopAsync();
        }), guard, new TokenEstimator());

        var call = client.GetResponseAsync("Classify this ticket.", BudgetedModels.Options("acme", "run-1"));
        await attempts.FirstFailure.WaitAsync(TimeSpan.FromMinutes(1));
        await redis.RestartAsync();
        await AnswersAgainAsync(store, month);
        var response = await RunClockAsync(time, call);

        Assert.Equal("ok", response.Text);
        Assert.True(reserved > CallCost, $"reserved {reserved}");
        Assert.Equal(new BudgetBalance(CallCost, 0, Seeded: true), await AnswersAgainAsync(store, month));
    }

    [Fact]
    public async Task GetResponseAsync_RedisDownThroughTheSettlesRetries_CountsTheHoldAsSpentWhenItsLeasePasses()
    {
        // Released at the end of its lease, the unsettled call's spend was missing from the month for good.
        await using var redis = await OwnRedisServer.StartAsync();
        await using var store = redis.NewStore();
        var time = new FakeTimeProvider(Now);
        var guard = Guard(store, time, "acme", TimeSpan.FromSeconds(3));
        string month = MonthKey("acme");
        long reserved = 0;
        using var client = new BudgetChatClient(new AnsweringChatClient(async () =>
        {
            reserved = (await AnswersAgainAsync(store, month)).Reserved;
            await redis.StopAsync();
        }), guard, new TokenEstimator());

        var response = await RunClockAsync(time, client.GetResponseAsync("Classify this ticket.", BudgetedModels.Options("acme", "run-1")));
        await redis.RestartAsync();
        var balance = await AnswersAgainAsync(store, month);
        for (var i = 0; i < 600 && balance.Reserved > 0; i++)
        {
            await Task.Delay(100); // until the lease passes, by Redis's own clock
            balance = await AnswersAgainAsync(store, month);
        }

        Assert.Equal("ok", response.Text);
        Assert.True(reserved > CallCost, $"reserved {reserved}");
        Assert.Equal(new BudgetBalance(reserved, 0, Seeded: true), balance);
    }

    [Fact]
    public async Task SettleAsync_ReplyLostAfterTheSettleLanded_TriesAgainAndCountsItOnce()
    {
        // A timeout may come after Redis ran the settle: tried again, the call must not be counted twice.
        await using var store = new RedisBudgetStore(BudgetedModels.Redis + ",defaultDatabase=9");
        var lossy = new SettleAttempts(store) { LoseFirstReply = true };
        var time = new FakeTimeProvider(Now);
        string tenant = "settle-" + Guid.NewGuid().ToString("N");
        var guard = Guard(lossy, time, tenant, TimeSpan.FromMinutes(10));
        try
        {
            var reservation = await guard.ReserveAsync(new FrugalChatContext("run-1", "triage", tenant, "answer", 1, "premium"), 1_000, canDowngrade: false, CancellationToken.None);

            await RunClockAsync(time, guard.SettleAsync(reservation, 300));

            Assert.Equal(2, lossy.Count);
            Assert.Equal(new BudgetBalance(300, 0, Seeded: true), await store.GetAsync(MonthKey(tenant), CancellationToken.None));
        }
        finally
        {
            await using var redis = await ConnectionMultiplexer.ConnectAsync(BudgetedModels.Redis + ",defaultDatabase=9");
            var key = MonthKey(tenant);
            await redis.GetDatabase().KeyDeleteAsync([key, key + ":holds", key + ":settled"]);
        }
    }

    [Fact]
    public async Task GetAsync_RedisStopsAnsweringUntilTheClientDropsTheConnection_EveryCommandFailsAsStoreUnavailable()
    {
        // A Redis that stops answering with its connection open (hung, or a network path that drops packets): the client
        // drops the connection after about 20 s and cancels the commands still waiting on it. Those came out as a bare
        // TaskCanceledException, which the settle neither retried nor kept the answer through: a call answered (and
        // billed) then failed its step, its record was never written (the ledger showed it unfinished), and the retry
        // paid again.
        await using var redis = await OwnRedisServer.StartAsync();
        await using var store = redis.NewStore();
        string month = MonthKey("acme");
        await AnswersAgainAsync(store, month);
        await redis.PauseAsync();

        var commands = new List<Task>();
        var dropped = false;
        for (var i = 0; i < 1200 && !dropped; i++)
        {
            commands.Add(store.GetAsync(month, CancellationToken.None));
            await Task.Delay(100);

            // The connection is gone once a command fails at once for want of one (the store fails fast while it is away).
            dropped = commands.Any(c => c.Exception?.InnerException is BudgetStoreUnavailableException { InnerException: RedisConnectionException });
        }

        Assert.True(dropped, "the client never dropped the frozen server's connection");
        var failures = await Task.WhenAll(commands.Select(async c =>
        {
            try
            {
                await c;
                return null;
            }
            catch (Exception ex)
            {
                return ex;
            }
        }));
        Assert.All(failures, f => Assert.IsType<BudgetStoreUnavailableException>(f));
        Assert.Contains(failures, f => f!.Message.Contains("the connection was dropped with the command unanswered", StringComparison.Ordinal));
        Assert.All(failures, f => Assert.StartsWith($"the budget store (Redis at 127.0.0.1:{redis.Port}, Frugal:Budgets:RedisConnectionString) did not answer: ", f!.Message, StringComparison.Ordinal));
    }

    private static string MonthKey(string tenant) => $"frugal:budget:{{{tenant}}}:month:2026-12";

    private static BudgetGuard Guard(IBudgetStore store, TimeProvider time, string tenant, TimeSpan lease)
    {
        var options = new BudgetOptions { ReservationLease = lease };
        options.Tenants[tenant] = new TenantBudgetOptions { Monthly = 1m };
        return new BudgetGuard(Options.Create(options), store, PriceTable.LoadDefault(), time);
    }

    /// <summary>Moves the fake clock on (the settle's retries wait on it) until <paramref name="task"/> is done.</summary>
    private static async Task<T> RunClockAsync<T>(FakeTimeProvider time, Task<T> task)
    {
        await RunClockAsync(time, (Task)task);
        return await task;
    }

    private static async Task RunClockAsync(FakeTimeProvider time, Task task)
    {
        while (!task.IsCompleted)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(20);
        }

        await task;
    }

    /// <summary>
    /// Reads the counter until the store's connection is back (it reconnects in the background, and a command fails at
    /// once while it is away: <see cref="OwnRedisServer.NewStore"/>). Every read of the test's own server goes through here.
    /// </summary>
    private static async Task<BudgetBalance> AnswersAgainAsync(RedisBudgetStore store, string key)
    {
        for (var i = 0; ; i++)
        {
            try
            {
                return await store.GetAsync(key, CancellationToken.None);
            }
            catch (BudgetStoreUnavailableException) when (i < 120)
            {
                await Task.Delay(250);
            }
        }
    }

    /// <summary>Counts settle attempts; with <see cref="LoseFirstReply"/> the first lands and then fails as a timeout.</summary>
    private sealed class SettleAttempts(IBudgetStore inner) : IBudgetStore
    {
        private readonly TaskCompletionSource _firstFailure = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _count;

        public bool LoseFirstReply { get; init; }

        public int Count => Volatile.Read(ref _count);

        public Task FirstFailure => _firstFailure.Task;

        public Task<int> TryReserveAsync(IReadOnlyList<BudgetCounter> counters, BudgetHold hold, bool force, CancellationToken cancellationToken) =>
            inner.TryReserveAsync(counters, hold, force, cancellationToken);

        public async Task<int> SettleAsync(IReadOnlyList<BudgetCounter> counters, BudgetHold hold, long actual, CancellationToken cancellationToken)
        {
            bool first = Interlocked.Increment(ref _count) == 1;
            try
            {
                int result = await inner.SettleAsync(counters, hold, actual, cancellationToken);
                if (first && LoseFirstReply)
                {
                    throw new BudgetStoreUnavailableException("the budget store (Redis) did not answer: Timeout awaiting response");
                }

                return result;
            }
            catch (BudgetStoreUnavailableException)
            {
                _firstFailure.TrySetResult();
                throw;
            }
        }

        public Task<BudgetBalance> GetAsync(string key, CancellationToken cancellationToken) => inner.GetAsync(key, cancellationToken);

        public Task SeedAsync(BudgetCounter counter, long spent, IReadOnlyList<BudgetHold> held, CancellationToken cancellationToken) => inner.SeedAsync(counter, spent, held, cancellationToken);

        public Task<bool> AddTokensAsync(string key, long tokens, long limit, bool check, TimeSpan timeToLive, CancellationToken cancellationToken) =>
            inner.AddTokensAsync(key, tokens, limit, check, timeToLive, cancellationToken);

        public Task<long> GetTokensAsync(string key, CancellationToken cancellationToken) => inner.GetTokensAsync(key, cancellationToken);
    }

    /// <summary>Answers as gpt-4o with 10 prompt and 5 output tokens, after <paramref name="during"/> ran (the call in flight).</summary>
    private sealed class AnsweringChatClient(Func<Task> during) : IChatClient
    {
        public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            await during();
            return new ChatResponse(new ChatMessage(ChatRole.Assistant, "ok")) { ModelId = "gpt-4o", Usage = new UsageDetails { InputTokenCount = 10, OutputTokenCount = 5 } };
        }

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) =>
            serviceType == typeof(ChatClientMetadata) ? new ChatClientMetadata("test", defaultModelId: "gpt-4o") : null;

        public void Dispose()
        {
        }
    }
}
