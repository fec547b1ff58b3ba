using System.Globalization;
using StackExchange.Redis;

namespace Frugal.Budgets;

/// <summary>
/// The store shared by every instance of the app: each counter is a Redis hash (<c>s</c> spent, <c>h</c> held by calls
/// in flight, in nano-dollars) with a sorted set of those calls' holds (<see cref="BudgetHold"/>), changed by Lua
/// scripts, which Redis runs atomically, so the check-and-reserve of concurrent calls on any number of instances is
/// serialised. (Before holds had leases, reservations were summed in <c>r</c>, which a stopped host's calls kept full
/// for the month; that field is no longer read.) The keys of one reservation carry the tenant as hash tag
/// (<c>{tenant}</c>), so they share a cluster slot and one script may touch them all.
/// </summary>
public sealed class RedisBudgetStore : IBudgetStore, IAsyncDisposable
{
    // Redis's own clock in milliseconds, and the release of a counter's holds whose lease has passed (their calls' hosts
    // stopped): one text in the scripts that need them. A release never takes 'h' below zero nor makes a counter that is
    // gone: a counter evicted or deleted while its holds remained came back at h = -900, and let ten more calls in.
    private const string HoldFunctions = """
        local function now_ms()
          local time = redis.call('TIME')
          return tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
        end
        local function release(counter, amount)
          if redis.call('EXISTS', counter) == 1 then
            local held = tonumber(redis.call('HGET', counter, 'h') or '0')
            redis.call('HSET', counter, 'h', math.max(0, held - amount))
          end
        end
        local function release_lapsed(counter, holds, now)
          local lapsed = redis.call('ZRANGEBYSCORE', holds, '-inf', now)
          if #lapsed > 0 then
            local sum = 0
            for _, member in ipairs(lapsed) do sum = sum + tonumber(string.match(member, ':(%d+)$')) end
            release(counter, sum)
            redis.call('ZREMRANGEBYSCORE', holds, '-inf', now)
          end
        end

        """;

    // KEYS: the counters, then each counter's holds (a sorted set of "id:amount" by the time its lease ends, in ms).
    // ARGV: amount, force, hold member, lease (ms), then per counter its limit, time to live (ms) and whether it comes
    // from the ledger (and so must hold its seed). Held amounts are counted in 'h'; holds whose lease has passed are
    // released first. Redis's own clock decides, so instances' clocks do not matter.
    private const string ReserveScript = HoldFunctions + """
        local n = #KEYS / 2
        local amount = tonumber(ARGV[1])
        for i = 1, n do
          if ARGV[3 * i + 4] == '1' and redis.call('HEXISTS', KEYS[i], 'seeded') == 0 then return -1 - i end
        end
        local now = now_ms()
        for i = 1, n do release_lapsed(KEYS[i], KEYS[n + i], now) end
        if ARGV[2] == '0' then
          for i = 1, n do
            local spent = tonumber(redis.call('HGET', KEYS[i], 's') or '0')
            local held = tonumber(redis.call('HGET', KEYS[i], 'h') or '0')
            if spent + held >= tonumber(ARGV[3 * i + 2]) then return i - 1 end
          end
        end
        for i = 1, n do
          redis.call('HINCRBY', KEYS[i], 'h', amount)
          redis.call('PEXPIRE', KEYS[i], ARGV[3 * i + 3])
          redis.call('ZADD', KEYS[n + i], now + tonumber(ARGV[4]), ARGV[3])
          redis.call('PEXPIRE', KEYS[n + i], ARGV[3 * i + 3])
        end
        return -1
        """;

    // KEYS: a counter and its holds. Releases the holds whose lease has passed, then reads s, h and seeded.
    private const string GetScript = HoldFunctions + """
        release_lapsed(KEYS[1], KEYS[2], now_ms())
        return redis.call('HMGET', KEYS[1], 's', 'h', 'seeded')
        """;

    // KEYS as above; ARGV: held amount, actual, hold member, then per counter its time to live (ms). A hold already
    // released because its lease passed is not released twice.
    private const string SettleScript = HoldFunctions + """
        local n = #KEYS / 2
        for i = 1, n do
          if redis.call('ZREM', KEYS[n + i], ARGV[3]) == 1 then
            release(KEYS[i], tonumber(ARGV[1]))
          end
          redis.call('HINCRBY', KEYS[i], 's', tonumber(ARGV[2]))
          redis.call('PEXPIRE', KEYS[i], ARGV[3 + i])
        end
        return 0
        """;

    private const string SeedScript = """
        if redis.call('HSETNX', KEYS[1], 'seeded', 1) == 1 then
          local s = tonumber(redis.call('HGET', KEYS[1], 's') or '0')
          if tonumber(ARGV[1]) > s then redis.call('HSET', KEYS[1], 's', ARGV[1]) end
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

    private static readonly string[] UnavailableReplies = ["OOM", "LOADING", "READONLY", "BUSY", "MASTERDOWN", "CLUSTERDOWN", "TRYAGAIN"];

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
    public async Task<int> TryReserveAsync(IReadOnlyList<BudgetCounter> counters, BudgetHold hold, bool force, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(counters);
        ArgumentNullException.ThrowIfNull(hold);
        if (counters.Count == 0)
        {
            return -1;
        }

        var args = new List<RedisValue> { hold.Amount, force ? "1" : "0", Member(hold), Milliseconds(hold.Lease) };
        foreach (var counter in counters)
        {
            args.Add(counter.Limit);
            args.Add(Milliseconds(counter.TimeToLive));
            args.Add(counter.FromLedger ? "1" : "0");
        }

        var result = await EvaluateAsync(ReserveScript, Keys(counters), [.. args]).ConfigureAwait(false);
        return (int)result;
    }

    /// <inheritdoc />
    public async Task SettleAsync(IReadOnlyList<BudgetCounter> counters, BudgetHold hold, long actual, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(counters);
        ArgumentNullException.ThrowIfNull(hold);
        if (counters.Count == 0)
        {
            return;
        }

        RedisValue[] args = [hold.Amount, actual, Member(hold), .. counters.Select(c => (RedisValue)Milliseconds(c.TimeToLive))];
        await EvaluateAsync(SettleScript, Keys(counters), args).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<BudgetBalance> GetAsync(string key, CancellationToken cancellationToken)
    {
        // Lapsed holds are released here too: a balance read (month to date, a refusal's message) shows only what calls
        // still in flight hold, not what a stopped host's calls left until the month's key expired.
        var values = (RedisResult[])(await EvaluateAsync(GetScript, [key, key + ":holds"], []).ConfigureAwait(false))!;
        return new BudgetBalance(ToLong((RedisValue)values[0]), ToLong((RedisValue)values[1]), !((RedisValue)values[2]).IsNull);
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
        catch (Exception ex) when (ex is RedisConnectionException or RedisTimeoutException || IsUnavailable(ex))
        {
            throw new BudgetStoreUnavailableException(
                $"the budget store (Redis at {_endpoints}, {BudgetOptions.SectionName}:RedisConnectionString) did not answer: {ex.Message.Split([". ", " - "], 2, StringSplitOptions.None)[0]}", ex);
        }
    }

    /// <summary>
    /// A reply that says Redis cannot take commands now (out of memory, loading, a read-only replica after a failover,
    /// busy with a script, no primary): the call cannot be counted, as when Redis does not answer. These came out as a
    /// raw exception: a 500 from the API instead of 503, and an unhandled exception in <c>frugal run</c>.
    /// </summary>
    private static bool IsUnavailable(Exception ex) =>
        ex is RedisServerException { Message: var message }
        && UnavailableReplies.Any(reply => message.StartsWith(reply, StringComparison.Ordinal));

    // The counters, then their holds' sorted sets; a counter's key carries its tenant as hash tag, so both share a slot.
    private static RedisKey[] Keys(IReadOnlyList<BudgetCounter> counters) =>
        [.. counters.Select(c => (RedisKey)c.Key), .. counters.Select(c => (RedisKey)(c.Key + ":holds"))];

    private static string Member(BudgetHold hold) => string.Create(CultureInfo.InvariantCulture, $"{hold.Id}:{hold.Amount}");

    private static long Milliseconds(TimeSpan span) => (long)Math.Ceiling(span.TotalMilliseconds);

    private static long ToLong(RedisValue value) =>
        value.IsNull ? 0 : long.Parse(value.ToString(), NumberStyles.Integer, CultureInfo.InvariantCulture);
}
