using System.Globalization;
using StackExchange.Redis;

namespace Frugal.Budgets;

/// <summary>
/// The store shared by every instance of the app: each counter is a Redis hash (<c>s</c> spent, <c>h</c> held by calls
/// in flight, in nano-dollars) with a sorted set of those calls' holds (<see cref="BudgetHold"/>) and one of the
/// reservations lately settled (which makes settling idempotent), changed by Lua
/// scripts, which Redis runs atomically, so the check-and-reserve of concurrent calls on any number of instances is
/// serialised. (Before holds had leases, reservations were summed in <c>r</c>, which a stopped host's calls kept full
/// for the month; that field is no longer read.) The keys of one reservation carry the tenant as hash tag
/// (<c>{tenant}</c>), so they share a cluster slot and one script may touch them all.
/// </summary>
public sealed class RedisBudgetStore : IBudgetStore, IAsyncDisposable
{
    // Redis's own clock in milliseconds, and what happens to a counter's holds whose lease has passed unsettled: their
    // amounts count as spent. Such a call's cost is unknown: its host stopped during the call (the provider bills an
    // answer nobody read all the same), or its settle could not reach Redis (a network drop, a timeout, a failover
    // longer than the settle's retries). Released, its spend was forgotten for the month; counted at its maximum, the
    // budget errs towards spent, by at most the gap to what the call really cost, and a settle that still comes corrects
    // it to that (the hold is remembered as 'id:amount' in the counter's settled set). Reseeding the counter from the
    // ledger instead was rejected: the record may not be written yet (or ever, for a stopped host), a month's ledger
    // read per lapse is costly on Table storage, and max(counter, ledger) cannot add one call to a counter other calls
    // are settling at the same time.
    // The settled set ('<counter>:settled') remembers, for an hour (far longer than a settle's retries, which come
    // within a minute of the call's end, itself within the lease), each reservation settled ('id') and each counted
    // as spent when its lease passed ('id:amount'), so a settle retried after a reply lost to a timeout, whose first
    // attempt did land, is not counted twice. A release never takes 'h' below zero nor makes a counter that is gone: a
    // counter evicted or deleted while its holds remained came back at h = -900, and let ten more calls in.
    private const string HoldFunctions = """
        local settled_ms = 3600000
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
        local function remember(settled, member, now)
          redis.call('ZADD', settled, now + settled_ms, member)
          redis.call('PEXPIRE', settled, settled_ms)
        end
        local function lapse(counter, holds, settled, now)
          local lapsed = redis.call('ZRANGEBYSCORE', holds, '-inf', now)
          if #lapsed > 0 then
            if redis.call('EXISTS', counter) == 1 then
              local sum = 0
              for _, member in ipairs(lapsed) do
                sum = sum + tonumber(string.match(member, ':(%d+)$'))
                remember(settled, member, now)
              end
              release(counter, sum)
              redis.call('HINCRBY', counter, 's', sum)
            end
            redis.call('ZREMRANGEBYSCORE', holds, '-inf', now)
          end
        end

        """;

    // KEYS: the counters, then each counter's holds (a sorted set of "id:amount" by the time its lease ends, in ms), then
    // each counter's settled set. ARGV: amount, force, hold member, lease (ms), then per counter its limit, time to live
    // (ms) and whether it comes from the ledger (and so must hold its seed). Held amounts are counted in 'h'; holds whose
    // lease has passed are counted as spent first. Redis's own clock decides, so instances' clocks do not matter.
    private const string ReserveScript = HoldFunctions + """
        local n = #KEYS / 3
        local amount = tonumber(ARGV[1])
        for i = 1, n do
          if ARGV[3 * i + 4] == '1' and redis.call('HEXISTS', KEYS[i], 'seeded') == 0 then return -1 - i end
        end
        local now = now_ms()
        for i = 1, n do lapse(KEYS[i], KEYS[n + i], KEYS[2 * n + i], now) end
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

    // KEYS: a counter, its holds and its settled set. Counts the holds whose lease has passed, then reads s, h and seeded.
    private const string GetScript = HoldFunctions + """
        lapse(KEYS[1], KEYS[2], KEYS[3], now_ms())
        return redis.call('HMGET', KEYS[1], 's', 'h', 'seeded')
        """;

    // KEYS as above; ARGV: held amount, actual, hold member, hold id, then per counter its time to live (ms), then per
    // counter whether it comes from the ledger. A ledger counter without its seed (Redis lost it during the call) changes
    // nothing and says which, as a reservation does: the caller seeds it, then settles again. Idempotent:
    // a reservation already settled (its id in the settled set) is not counted again. A hold still held is released; one
    // counted as spent when its lease passed ('id:amount' in the settled set) has its amount taken back, so the counter
    // keeps what the call cost; one the counter no longer knows of (gone with its counter) only adds the cost.
    private const string SettleScript = HoldFunctions + """
        local n = #KEYS / 3
        for i = 1, n do
          if ARGV[4 + n + i] == '1' and redis.call('HEXISTS', KEYS[i], 'seeded') == 0 then return -1 - i end
        end
        local held = tonumber(ARGV[1])
        local now = now_ms()
        for i = 1, n do
          local settled = KEYS[2 * n + i]
          redis.call('ZREMRANGEBYSCORE', settled, '-inf', now)
          if not redis.call('ZSCORE', settled, ARGV[4]) then
            local actual = tonumber(ARGV[2])
            if redis.call('ZREM', KEYS[n + i], ARGV[3]) == 1 then
              release(KEYS[i], held)
            elseif redis.call('ZREM', settled, ARGV[3]) == 1 then
              actual = actual - held
            end
            if redis.call('HINCRBY', KEYS[i], 's', actual) < 0 then redis.call('HSET', KEYS[i], 's', 0) end
            redis.call('PEXPIRE', KEYS[i], ARGV[4 + i])
            remember(settled, ARGV[4], now)
          end
        end
        return -1
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
        : this(Parse(configuration))
    {
    }

    /// <summary>Creates the store from parsed options (tests set what a configuration string cannot, such as the backlog policy).</summary>
    internal RedisBudgetStore(ConfigurationOptions options)
    {
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
    public async Task<int> SettleAsync(IReadOnlyList<BudgetCounter> counters, BudgetHold hold, long actual, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(counters);
        ArgumentNullException.ThrowIfNull(hold);
        if (counters.Count == 0)
        {
            return -1;
        }

        RedisValue[] args =
        [
            hold.Amount, actual, Member(hold), hold.Id,
            .. counters.Select(c => (RedisValue)Milliseconds(c.TimeToLive)),
            .. counters.Select(c => (RedisValue)(c.FromLedger ? "1" : "0")),
        ];
        return (int)await EvaluateAsync(SettleScript, Keys(counters), args).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<BudgetBalance> GetAsync(string key, CancellationToken cancellationToken)
    {
        // Lapsed holds are released here too: a balance read (month to date, a refusal's message) shows only what calls
        // still in flight hold, not what a stopped host's calls left until the month's key expired.
        var values = (RedisResult[])(await EvaluateAsync(GetScript, [key, key + ":holds", key + ":settled"], []).ConfigureAwait(false))!;
        return new BudgetBalance(ToLong((RedisValue)values[0]), ToLong((RedisValue)values[1]), !((RedisValue)values[2]).IsNull);
    }

    /// <inheritdoc />
    /// <remarks>
    /// <paramref name="held"/> is ignored: every process reserves its calls here, and a killed one's holds stay until
    /// their leases pass. Held again under their start's invocation, another instance's call would be counted twice, at
    /// its bound when this hold lapsed and at its cost when its own settled. Only a Redis that lost its data (a restart,
    /// a flush) has lost a killed process's holds with it.
    /// </remarks>
    public Task SeedAsync(BudgetCounter counter, long spent, IReadOnlyList<BudgetHold> held, CancellationToken cancellationToken) =>
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

    private static ConfigurationOptions Parse(string configuration)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(configuration);
        return ConfigurationOptions.Parse(configuration);
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
        catch (Exception ex) when (IsUnavailable(ex))
        {
            string reason = ex is RedisConnectionException or RedisTimeoutException or RedisServerException
                ? ex.Message.Split([". ", " - "], 2, StringSplitOptions.None)[0]
                : "the connection was dropped with the command unanswered";
            throw new BudgetStoreUnavailableException(
                $"the budget store (Redis at {_endpoints}, {BudgetOptions.SectionName}:RedisConnectionString) did not answer: {reason}", ex);
        }
    }

    /// <summary>
    /// Whether a command failed for want of a Redis that answers, so the call cannot be counted. Besides the client's
    /// connection and timeout errors: a reply that says Redis cannot take commands now (out of memory, loading, a
    /// read-only replica after a failover, busy with a script, no primary), which came out as a raw exception (a 500
    /// from the API instead of 503, an unhandled exception in <c>frugal run</c>); and the commands a dropped connection
    /// leaves unanswered. A Redis that stops answering with its connection open (hung, or a network path that drops
    /// packets) is dropped by the client after about 20 s, and the commands waiting on it fail cancelled (no command
    /// here takes a token, so a cancellation is the client's) or with the closed reader's error. Those came out raw too:
    /// a settle's was neither retried nor kept from replacing the call's answer, so a call answered and billed failed
    /// its step, its cost record was never written, and the step's retry paid again.
    /// </summary>
    private static bool IsUnavailable(Exception ex) => ex switch
    {
        RedisConnectionException or RedisTimeoutException or OperationCanceledException => true,
        InvalidOperationException { Source: "System.IO.Pipelines" } => true,
        RedisServerException { Message: var message } => UnavailableReplies.Any(reply => message.StartsWith(reply, StringComparison.Ordinal)),
        _ => false,
    };

    // The counters, their holds' sorted sets, then their settled sets; a counter's key carries its tenant as hash tag, so
    // all share a slot.
    private static RedisKey[] Keys(IReadOnlyList<BudgetCounter> counters) =>
        [.. counters.Select(c => (RedisKey)c.Key), .. counters.Select(c => (RedisKey)(c.Key + ":holds")), .. counters.Select(c => (RedisKey)(c.Key + ":settled"))];

    private static string Member(BudgetHold hold) => string.Create(CultureInfo.InvariantCulture, $"{hold.Id}:{hold.Amount}");

    private static long Milliseconds(TimeSpan span) => (long)Math.Ceiling(span.TotalMilliseconds);

    private static long ToLong(RedisValue value) =>
        value.IsNull ? 0 : long.Parse(value.ToString(), NumberStyles.Integer, CultureInfo.InvariantCulture);
}
