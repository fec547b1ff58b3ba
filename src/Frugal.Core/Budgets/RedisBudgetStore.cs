using System.Globalization;
using StackExchange.Redis;

namespace Frugal.Budgets;

/// <summary>
/// The store shared by every instance of the app: each counter is a Redis hash (<c>s</c> spent, <c>r</c> reserved,
/// in nano-dollars) changed by Lua scripts, which Redis runs atomically, so the check-and-reserve of concurrent calls
/// on any number of instances is serialised. The keys of one reservation carry the tenant as hash tag
/// (<c>{tenant}</c>), so they share a cluster slot and one script may touch them all.
/// </summary>
public sealed class RedisBudgetStore : IBudgetStore, IAsyncDisposable
{
    // ARGV: amount, force, then per key its limit, time to live (ms) and whether it comes from the ledger (and so must
    // hold its seed).
    private const string ReserveScript = """
        local amount = tonumber(ARGV[1])
        for i, key in ipairs(KEYS) do
          if ARGV[3 * i + 2] == '1' and redis.call('HEXISTS', key, 'seeded') == 0 then return -1 - i end
        end
        if ARGV[2] == '0' then
          for i, key in ipairs(KEYS) do
            local spent = tonumber(redis.call('HGET', key, 's') or '0')
            local reserved = tonumber(redis.call('HGET', key, 'r') or '0')
            if spent + reserved >= tonumber(ARGV[3 * i]) then return i - 1 end
          end
        end
        for i, key in ipairs(KEYS) do
          redis.call('HINCRBY', key, 'r', amount)
          redis.call('PEXPIRE', key, ARGV[3 * i + 1])
        end
        return -1
        """;

    private const string SettleScript = """
        for i, key in ipairs(KEYS) do
          redis.call('HINCRBY', key, 'r', -tonumber(ARGV[1]))
          redis.call('HINCRBY', key, 's', tonumber(ARGV[2]))
          redis.call('PEXPIRE', key, ARGV[2 + i])
        end
        return 0
        """;

    private const string SeedScript = """
        if redis.call('HSETNX', KEYS[1], 'seeded', 1) == 1 then
          redis.call('HINCRBY', KEYS[1], 's', tonumber(ARGV[1]))
          redis.call('PEXPIRE', KEYS[1], ARGV[2])
        end
        return 0
        """;

    private const string TokensScript = """
        local current = tonumber(redis.call('GET', KEYS[1]) or '0')
        if ARGV[3] == '1' and current >= tonumber(ARGV[2]) then return 0 end
        redis.call('INCRBY', KEYS[1], ARGV[1])
        redis.call('PEXPIRE', KEYS[1], ARGV[4])
        return 1
        """;

    private readonly Lazy<Task<ConnectionMultiplexer>> _connection;
    private readonly string _endpoints;

    /// <summary>Creates the store; the connection opens on first use.</summary>
    /// <param name="configuration">The StackExchange.Redis configuration string, e.g. <c>127.0.0.1:6379</c>.</param>
    public RedisBudgetStore(string configuration)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(configuration);
        var options = ConfigurationOptions.Parse(configuration);

        // Connect even while Redis is down and keep reconnecting in the background (StackExchange.Redis's advice for
        // production and Azure Cache for Redis): a failed first connect was kept by the Lazy and failed every later
        // call of this process, however soon Redis came back.
        options.AbortOnConnectFail = false;
        _endpoints = string.Join(", ", options.EndPoints.Select(e => e.ToString()));
        _connection = new Lazy<Task<ConnectionMultiplexer>>(() => ConnectionMultiplexer.ConnectAsync(options));
    }

    /// <inheritdoc />
    public async Task<int> TryReserveAsync(IReadOnlyList<BudgetCounter> counters, long amount, bool force, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(counters);
        if (counters.Count == 0)
        {
            return -1;
        }

        var args = new List<RedisValue> { amount, force ? "1" : "0" };
        foreach (var counter in counters)
        {
            args.Add(counter.Limit);
            args.Add(Milliseconds(counter.TimeToLive));
            args.Add(counter.FromLedger ? "1" : "0");
        }

        var result = await EvaluateAsync(ReserveScript, [.. counters.Select(c => (RedisKey)c.Key)], [.. args]).ConfigureAwait(false);
        return (int)result;
    }

    /// <inheritdoc />
    public async Task SettleAsync(IReadOnlyList<BudgetCounter> counters, long reserved, long actual, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(counters);
        if (counters.Count == 0)
        {
            return;
        }

        RedisValue[] args = [reserved, actual, .. counters.Select(c => (RedisValue)Milliseconds(c.TimeToLive))];
        await EvaluateAsync(SettleScript, [.. counters.Select(c => (RedisKey)c.Key)], args).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<BudgetBalance> GetAsync(string key, CancellationToken cancellationToken)
    {
        var values = await UseAsync(d => d.HashGetAsync(key, ["s", "r", "seeded"])).ConfigureAwait(false);
        return new BudgetBalance(ToLong(values[0]), ToLong(values[1]), !values[2].IsNull);
    }

    /// <inheritdoc />
    public Task SeedAsync(BudgetCounter counter, long spent, CancellationToken cancellationToken) =>
        EvaluateAsync(SeedScript, [counter.Key], [spent, Milliseconds(counter.TimeToLive)]);

    /// <inheritdoc />
    public async Task<bool> AddTokensAsync(string key, long tokens, long limit, bool check, TimeSpan timeToLive, CancellationToken cancellationToken)
    {
        var result = await EvaluateAsync(TokensScript, [key], [tokens, limit, check ? "1" : "0", Milliseconds(timeToLive)]).ConfigureAwait(false);
        return (int)result == 1;
    }

    /// <inheritdoc />
    public async Task<long> GetTokensAsync(string key, CancellationToken cancellationToken) =>
        ToLong(await UseAsync(d => d.StringGetAsync(key)).ConfigureAwait(false));

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        // A connection that never opened has nothing to close (disposing threw its connect error at process exit).
        if (_connection.IsValueCreated && _connection.Value.IsCompletedSuccessfully)
        {
            await _connection.Value.Result.DisposeAsync().ConfigureAwait(false);
        }
    }

    private Task<RedisResult> EvaluateAsync(string script, RedisKey[] keys, RedisValue[] args) =>
        UseAsync(d => d.ScriptEvaluateAsync(script, keys, args));

    /// <summary>Runs a command; an unreachable or timed-out Redis fails it naming the setting (the call is retried).</summary>
    private async Task<T> UseAsync<T>(Func<IDatabase, Task<T>> command)
    {
        try
        {
            var database = (await _connection.Value.ConfigureAwait(false)).GetDatabase();
            return await command(database).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisConnectionException or RedisTimeoutException)
        {
            throw new BudgetStoreUnavailableException(
                $"the budget store (Redis at {_endpoints}, {BudgetOptions.SectionName}:RedisConnectionString) did not answer: {ex.Message.Split([". ", " - "], 2, StringSplitOptions.None)[0]}", ex);
        }
    }

    private static long Milliseconds(TimeSpan span) => (long)Math.Ceiling(span.TotalMilliseconds);

    private static long ToLong(RedisValue value) =>
        value.IsNull ? 0 : long.Parse(value.ToString(), NumberStyles.Integer, CultureInfo.InvariantCulture);
}
