using System.Globalization;

namespace Frugal.Costs.Reports;

/// <summary>
/// Folds cost records into per-group, per-workflow, per-day and per-step accumulators, one record at a time: memory
/// grows with the number of groups, days and steps, never with the number of records.
/// </summary>
internal sealed class CostReportBuilder(CostReportRequest request)
{
    private static readonly string[] TierNames = Enum.GetNames<CostTier>().Select(n => n.ToLowerInvariant()).ToArray();

    private readonly Dictionary<string, Group> _groups = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Amount> _workflows = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Workflow, string Step), Amount> _steps = [];
    private readonly SortedDictionary<DateOnly, Day> _days = [];
    private long _records;
    private decimal _dollars;
    private decimal _saved;
    private long _unpriced;
    private long _unfinished;
    private decimal _unfinishedMax;
    private long _unfinishedUnpriced;

    public long Records => _records;

    public void Add(CostRecord record)
    {
        _records++;
        if (record.Unfinished)
        {
            // A call that started and never ended: what it cost is unknown, at most its bound. Apart from the spend.
            _unfinished++;
            _unfinishedMax += record.Dollars;
            _unfinishedUnpriced += record.Priced ? 0 : 1;
            ref var row = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_groups, KeyOf(record, StepName(record.StepId)), out _);
            row ??= new Group();
            row.AddUnfinished(record);
            return;
        }

        _dollars += record.Dollars;
        _saved += record.SavedDollars;
        bool hit = record.Cache != CacheOutcome.None;
        if (!record.Priced)
        {
            _unpriced++;
        }

        string step = StepName(record.StepId);
        ref var group = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_groups, KeyOf(record, step), out _);
        group ??= new Group();
        group.Add(record, hit);

        Amount.Add(_workflows, record.Workflow, record);
        Amount.Add(_steps, (record.Workflow, step), record);

        var date = DateOnly.FromDateTime(record.StartedAt.UtcDateTime);
        if (!_days.TryGetValue(date, out var day))
        {
            _days[date] = day = new Day();
        }

        int tier = (int)record.Tier;
        day.Calls++;
        day.CallsByTier[tier]++;
        day.DollarsByTier[tier] += record.Dollars;
        day.CacheHits += hit ? 1 : 0;
        day.Saved += record.SavedDollars;
    }

    public CostReportResult Build(DateTimeOffset generatedAt) => new()
    {
        By = request.By,
        Since = request.Since,
        Until = request.Until,
        GeneratedAt = generatedAt,
        Records = _records,
        Dollars = _dollars,
        SavedDollars = _saved,
        UnpricedCalls = _unpriced,
        UnfinishedCalls = _unfinished,
        UnfinishedMaxDollars = _unfinishedMax,
        UnfinishedUnpricedCalls = _unfinishedUnpriced,
        Groups = _groups.Select(g => g.Value.ToGroup(g.Key)).OrderByDescending(g => g.Dollars).ThenBy(g => g.Key, StringComparer.Ordinal).ToList(),
        Workflows = _workflows.Select(w => new CostReportItem(w.Key, w.Value.Calls, w.Value.Dollars, w.Value.Unpriced))
            .OrderByDescending(w => w.Dollars).ThenBy(w => w.Label, StringComparer.Ordinal).ToList(),
        Days = _days.Select(d => d.Value.ToDay(d.Key)).ToList(),
        TopSteps = _steps.Select(s => new CostReportItem($"{s.Key.Workflow}/{s.Key.Step}", s.Value.Calls, s.Value.Dollars, s.Value.Unpriced))
            .OrderByDescending(s => s.Dollars).ThenBy(s => s.Label, StringComparer.Ordinal).Take(request.TopSteps).ToList(),
    };

    /// <summary>A step id without its foreach iteration (<c>[3]</c>), execution (<c>@2</c>), escalation (<c>#cheap</c>) or
    /// timed-out attempt (<c>~timeout1</c>) suffix.</summary>
    internal static string StepName(string stepId)
    {
        int cut = stepId.IndexOfAny(['[', '@', '#', '~']);
        return cut > 0 ? stepId[..cut] : stepId;
    }

    private string KeyOf(CostRecord record, string step) => request.By switch
    {
        CostGroupBy.Tenant => record.Tenant,
        CostGroupBy.Model => record.Model ?? "(none)",
        CostGroupBy.Tier => TierNames[(int)record.Tier],
        CostGroupBy.Step => $"{record.Workflow}/{step}",
        _ => record.Workflow,
    };

    private sealed class Group
    {
        private readonly DistinctCounter _runs = new();
        private readonly LatencyHistogram _latency = new();
        private long _calls, _input, _cached, _output, _unpriced, _hits, _escalations;
        private decimal _dollars, _saved, _escalated;
        // Summed as decimal: exact, so the total does not depend on the order the ledger hands records over in (the
        // Table ledger reads days at once and passes them on as they come).
        private decimal _gpu;
        private long _unfinished;
        private decimal _unfinishedMax;

        public void AddUnfinished(CostRecord r)
        {
            _runs.Add(r.RunId);
            _unfinished++;
            _unfinishedMax += r.Dollars;
        }

        public void Add(CostRecord r, bool hit)
        {
            _runs.Add(r.RunId);
            _latency.Add(r.LatencyMs);
            _calls++;
            _input += r.InputTokens;
            _cached += r.CachedInputTokens;
            _output += r.OutputTokens;
            _unpriced += r.Priced ? 0 : 1;
            _hits += hit ? 1 : 0;
            _dollars += r.Dollars;
            _saved += r.SavedDollars;
            _gpu += (decimal)r.GpuSeconds;
            if (r.Outcome == CostOutcome.Escalated)
            {
                _escalations++;
                _escalated += r.Dollars;
            }
        }

        public CostReportGroup ToGroup(string key) => new()
        {
            Key = key,
            Runs = _runs.Count,
            RunsExact = _runs.IsExact,
            Calls = _calls,
            InputTokens = _input,
            CachedInputTokens = _cached,
            OutputTokens = _output,
            Dollars = _dollars,
            SavedDollars = _saved,
            UnpricedCalls = _unpriced,
            Escalations = _escalations,
            EscalatedDollars = _escalated,
            CacheHitRate = _calls == 0 ? 0 : Math.Round((double)_hits / _calls, 4),
            GpuSeconds = (double)Math.Round(_gpu, 3),
            LatencyP50Ms = _latency.Quantile(0.50),
            LatencyP95Ms = _latency.Quantile(0.95),
            UnfinishedCalls = _unfinished,
            UnfinishedMaxDollars = _unfinishedMax,
        };
    }

    private sealed class Amount
    {
        public long Calls { get; private set; }

        public decimal Dollars { get; private set; }

        public long Unpriced { get; private set; }

        public static void Add<TKey>(Dictionary<TKey, Amount> amounts, TKey key, CostRecord record)
            where TKey : notnull
        {
            ref var amount = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(amounts, key, out _);
            amount ??= new Amount();
            amount.Calls++;
            amount.Dollars += record.Dollars;
            amount.Unpriced += record.Priced ? 0 : 1;
        }
    }

    private sealed class Day
    {
        public long Calls { get; set; }

        public long[] CallsByTier { get; } = new long[TierNames.Length];

        public decimal[] DollarsByTier { get; } = new decimal[TierNames.Length];

        public long CacheHits { get; set; }

        public decimal Saved { get; set; }

        public CostReportDay ToDay(DateOnly date) => new()
        {
            Date = date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            Calls = Calls,
            CallsByTier = TierNames.Select((n, i) => (n, i)).ToDictionary(t => t.n, t => CallsByTier[t.i]),
            DollarsByTier = TierNames.Select((n, i) => (n, i)).ToDictionary(t => t.n, t => DollarsByTier[t.i]),
            CacheHits = CacheHits,
            SavedDollars = Saved,
        };
    }
}
