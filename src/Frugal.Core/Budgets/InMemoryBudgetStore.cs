namespace Frugal.Budgets;

/// <summary>
/// The embedded default store: counters in this process, under one lock (calls take microseconds, so a single lock
/// is simpler than lock striping and never the bottleneck next to a model call). Counters are not shared between
/// processes: run several instances with the Redis store. Expired entries are dropped when touched, and all of them once
/// a minute: a tokens-per-minute window or a run's counter is never touched again after its minute or run, so a
/// long-running host (<c>frugal serve</c>, a Functions instance) kept one entry per tenant per active minute before.
/// </summary>
public sealed class InMemoryBudgetStore : IBudgetStore
{
    private static readonly TimeSpan SweepInterval = TimeSpan.FromMinutes(1);

    // How long a settled or lapsed reservation is remembered, as RedisBudgetStore does (see there).
    private static readonly TimeSpan SettledFor = TimeSpan.FromHours(1);

    private readonly Lock _lock = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    // Per counter, the reservations not yet settled: id -> (amount, when the lease ends).
    private readonly Dictionary<string, Dictionary<string, (long Amount, DateTimeOffset Until, bool Seeded)>> _holds = new(StringComparer.Ordinal);

    // Per counter, the reservations settled, or counted as spent when their lease passed (Lapsed), for SettledFor.
    private readonly Dictionary<string, Dictionary<string, (bool Lapsed, DateTimeOffset Until)>> _settled = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private DateTimeOffset _nextSweep;

    /// <summary>Creates an empty store.</summary>
    /// <param name="time">The clock that expires counters.</param>
    public InMemoryBudgetStore(TimeProvider time)
    {
        _time = time ?? throw new ArgumentNullException(nameof(time));
    }

    /// <inheritdoc />
    public Task<int> TryReserveAsync(IReadOnlyList<BudgetCounter> counters, BudgetHold hold, bool force, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(counters);
        ArgumentNullException.ThrowIfNull(hold);
        lock (_lock)
        {
            var now = _time.GetUtcNow();
            foreach (var counter in counters)
            {
                ReleaseLapsed(counter.Key, counter.TimeToLive, now);
            }

            for (int i = 0; i < counters.Count; i++)
            {
                if (counters[i].FromLedger && !Get(counters[i].Key).Seeded)
                {
                    return Task.FromResult(IBudgetStore.Unseeded(i));
                }
            }

            if (!force)
            {
                for (int i = 0; i < counters.Count; i++)
                {
                    var entry = Get(counters[i].Key);
                    if (entry.Spent + entry.Reserved >= counters[i].Limit)
                    {
                        return Task.FromResult(i);
                    }
                }
            }

            foreach (var counter in counters)
            {
                Update(counter.Key, counter.TimeToLive, e => e with { Reserved = e.Reserved + hold.Amount });
                if (!_holds.TryGetValue(counter.Key, out var holds))
                {
                    _holds[counter.Key] = holds = new Dictionary<string, (long, DateTimeOffset, bool)>(StringComparer.Ordinal);
                }

                holds[hold.Id] = (hold.Amount, now + hold.Lease, false);
            }
        }

        return Task.FromResult(-1);
    }

    /// <inheritdoc />
    public Task<int> SettleAsync(IReadOnlyList<BudgetCounter> counters, BudgetHold hold, long actual, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(counters);
        ArgumentNullException.ThrowIfNull(hold);
        lock (_lock)
        {
            for (int i = 0; i < counters.Count; i++)
            {
                if (counters[i].FromLedger && !Get(counters[i].Key).Seeded)
                {
                    return Task.FromResult(IBudgetStore.Unseeded(i));
                }
            }

            var now = _time.GetUtcNow();
            foreach (var counter in counters)
            {
                if (!_settled.TryGetValue(counter.Key, out var settled))
                {
                    _settled[counter.Key] = settled = new Dictionary<string, (bool, DateTimeOffset)>(StringComparer.Ordinal);
                }

                // Settled already (a retry whose first attempt landed): counted once.
                if (settled.TryGetValue(hold.Id, out var marker) && marker.Until > now && !marker.Lapsed)
                {
                    continue;
                }

                long held = 0, spent = actual;
                if (_holds.TryGetValue(counter.Key, out var holds) && holds.Remove(hold.Id))
                {
                    held = hold.Amount;
                }
                else if (marker.Lapsed && marker.Until > now)
                {
                    spent -= hold.Amount; // counted at its amount when its lease passed: keep what it cost instead
                }

                if (holds is { Count: 0 })
                {
                    _holds.Remove(counter.Key); // one per run with a per-run budget: a long-running host kept them all
                }

                settled[hold.Id] = (false, now + SettledFor);
                Update(counter.Key, counter.TimeToLive, e => e with { Spent = Math.Max(0, e.Spent + spent), Reserved = e.Reserved - held });
            }
        }

        return Task.FromResult(-1);
    }

    /// <inheritdoc />
    public Task<BudgetBalance> GetAsync(string key, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            // Lapsed holds are released on reads too: a balance read shows only what calls still in flight hold.
            ReleaseLapsed(key, null, _time.GetUtcNow());
            var entry = Get(key);
            long seeded = 0;
            if (_holds.TryGetValue(key, out var holds))
            {
                foreach (var hold in holds.Values)
                {
                    seeded += hold.Seeded ? hold.Amount : 0;
                }
            }

            return Task.FromResult(new BudgetBalance(entry.Spent, entry.Reserved, entry.Seeded) { Unsettleable = seeded });
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// <paramref name="held"/> is held here, as a Redis store still held those calls' reservations: left out, a call of a
    /// process killed within the lease before this one seeded was missed by the month and the run for good.
    /// </remarks>
    public Task SeedAsync(BudgetCounter counter, long spent, IReadOnlyList<BudgetHold> held, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(held);
        lock (_lock)
        {
            if (!_entries.ContainsKey(counter.Key) || !Get(counter.Key).Seeded)
            {
                var now = _time.GetUtcNow();
                if (!_holds.TryGetValue(counter.Key, out var holds))
                {
                    holds = new Dictionary<string, (long, DateTimeOffset, bool)>(StringComparer.Ordinal);
                }

                long reserved = 0;
                foreach (var hold in held)
                {
                    if (holds.TryAdd(hold.Id, (hold.Amount, now + hold.Lease, true)))
                    {
                        reserved += hold.Amount;
                    }
                }

                if (holds.Count > 0)
                {
                    _holds[counter.Key] = holds;
                }

                Update(counter.Key, counter.TimeToLive, e => e with { Spent = Math.Max(e.Spent, spent), Reserved = e.Reserved + reserved, Seeded = true });
            }
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<bool> AddTokensAsync(string key, long tokens, long limit, bool check, TimeSpan timeToLive, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (check && Get(key).Spent >= limit)
            {
                return Task.FromResult(false);
            }

            Update(key, timeToLive, e => e with { Spent = e.Spent + tokens });
            return Task.FromResult(true);
        }
    }

    /// <inheritdoc />
    public Task<long> GetTokensAsync(string key, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(Get(key).Spent);
        }
    }

    /// <summary>
    /// Counts the holds on <paramref name="key"/> whose lease has passed as spent (refreshing its time to live when
    /// given), as <see cref="RedisBudgetStore"/> does: their calls' cost is unknown, and released it was forgotten.
    /// </summary>
    private void ReleaseLapsed(string key, TimeSpan? timeToLive, DateTimeOffset now)
    {
        if (!_holds.TryGetValue(key, out var holds))
        {
            return;
        }

        long lapsed = 0;
        bool counted = _entries.ContainsKey(key);
        foreach (var (id, (amount, until, _)) in holds)
        {
            if (until <= now)
            {
                lapsed += amount;
                holds.Remove(id);
                if (counted)
                {
                    if (!_settled.TryGetValue(key, out var settled))
                    {
                        _settled[key] = settled = new Dictionary<string, (bool, DateTimeOffset)>(StringComparer.Ordinal);
                    }

                    settled[id] = (true, now + SettledFor);
                }
            }
        }

        if (lapsed > 0 && counted)
        {
            var entry = Get(key);
            _entries[key] = entry with
            {
                Spent = entry.Spent + lapsed,
                Reserved = Math.Max(0, entry.Reserved - lapsed),
                ExpiresAt = timeToLive is { } ttl ? now + ttl : entry.ExpiresAt,
            };
        }

        if (holds.Count == 0)
        {
            _holds.Remove(key);
        }
    }

    private Entry Get(string key)
    {
        if (_entries.TryGetValue(key, out var entry))
        {
            if (entry.ExpiresAt > _time.GetUtcNow())
            {
                return entry;
            }

            _entries.Remove(key);
        }

        return default;
    }

    /// <summary>How many counters are held (expired ones included until the next sweep).</summary>
    internal int Count
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    private void Update(string key, TimeSpan timeToLive, Func<Entry, Entry> change)
    {
        var now = _time.GetUtcNow();
        _entries[key] = change(Get(key)) with { ExpiresAt = now + timeToLive };
        if (now >= _nextSweep)
        {
            _nextSweep = now + SweepInterval;
            foreach (var (other, entry) in _entries)
            {
                if (entry.ExpiresAt <= now && !_holds.ContainsKey(other))
                {
                    _entries.Remove(other);
                }
            }

            foreach (var (other, settled) in _settled)
            {
                foreach (var (id, marker) in settled)
                {
                    if (marker.Until <= now)
                    {
                        settled.Remove(id);
                    }
                }

                if (settled.Count == 0)
                {
                    _settled.Remove(other);
                }
            }
        }
    }

    private readonly record struct Entry(long Spent, long Reserved, bool Seeded, DateTimeOffset ExpiresAt);
}
