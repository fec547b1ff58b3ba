using Frugal.Costs;

namespace Frugal.Planning;

/// <summary>
/// Projects recorded costs to a planned scale (the model is explained in <c>docs/planning.md</c>): runs per month,
/// cost per run and per month per workflow, premium share, cache hit rate, peak concurrency, and the inference GPU
/// replicas and utilisation they imply, against a target gross margin. Reads the ledger once, streaming; keeps one
/// small entry per run.
/// </summary>
public static class MarginPlanner
{
    /// <summary>Mean days per month (365.25 / 12).</summary>
    public const double DaysPerMonth = 30.4375;

    private const double SecondsPerMonth = DaysPerMonth * 86_400;

    /// <summary>Builds the plan from the ledger's records.</summary>
    /// <param name="ledger">The cost ledger.</param>
    /// <param name="request">The plan's parameters.</param>
    /// <param name="time">The clock (a period's end in the future is clipped to now).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The plan.</returns>
    public static async Task<MarginPlan> PlanAsync(ICostLedger ledger, PlanRequest request, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(time);
        var runs = new Dictionary<string, RunTotals>(StringComparer.Ordinal);
        var query = new CostQuery { Since = request.Since, Until = request.Until, IncludeDetails = false };
        await foreach (var record in ledger.QueryAsync(query, cancellationToken).ConfigureAwait(false))
        {
            if (record.Unfinished)
            {
                // An upper bound, not a measured cost: a plan projects what calls did cost.
                continue;
            }

            if (!runs.TryGetValue(record.RunId, out var run))
            {
                runs[record.RunId] = run = new RunTotals(record.Workflow, record.StartedAt, record.CompletedAt);
            }

            run.Add(record);
        }

        return Plan(runs.Values.ToList(), request, time.GetUtcNow());
    }

    private static MarginPlan Plan(List<RunTotals> runs, PlanRequest request, DateTimeOffset now)
    {
        double days = ObservedDays(runs, request, now);
        var workflows = runs.GroupBy(r => r.Workflow, StringComparer.Ordinal)
            .Select(g => Project(g.Key, [.. g], days, request))
            .OrderByDescending(w => w.MonthlyCost)
            .ThenBy(w => w.Workflow, StringComparer.Ordinal)
            .ToList();
        var total = Project("(all)", runs, days, request);

        int observedPeak = PeakOverlap(runs);
        long peak = request.PeakConcurrency ?? (long)Math.Ceiling(observedPeak * request.Scale); // past int at large scales
        double meanRunSeconds = runs.Count == 0 ? 0 : runs.Average(r => Math.Max(0.001, (r.End - r.Start).TotalSeconds));
        double meanDemand = total.GpuSecondsPerRun * total.RunsPerMonth / SecondsPerMonth;

        // A run in flight keeps a GPU busy for its share of its duration; the peak needs that many GPU-seconds per second.
        double peakDemand = meanRunSeconds > 0 ? peak * Math.Min(1, total.GpuSecondsPerRun / meanRunSeconds) : 0;
        peakDemand = Math.Max(peakDemand, meanDemand);
        long replicas = peakDemand > 0 ? (long)Math.Ceiling(peakDemand / request.GpuReplicaCapacity - 1e-9) : 0;
        double utilisation = replicas > 0 ? meanDemand / (replicas * request.GpuReplicaCapacity) : 0;
        return new MarginPlan(request, days, workflows, total, peak, observedPeak, replicas, utilisation, meanDemand, peakDemand);
    }

    private static WorkflowPlan Project(string name, IReadOnlyList<RunTotals> runs, double days, PlanRequest request)
    {
        int count = runs.Count;
        decimal dollars = runs.Sum(r => r.Dollars);
        long cheap = runs.Sum(r => r.CheapCalls), premium = runs.Sum(r => r.PremiumCalls), hits = runs.Sum(r => r.CacheHits);
        long modelCalls = cheap + premium + runs.Sum(r => r.OnnxCalls) + hits;
        double runsPerMonth = count / days * DaysPerMonth * request.Scale;
        decimal costPerRun = count == 0 ? 0m : dollars / count;
        double? margin = null;
        decimal? maxCost = null;
        if (request.RevenuePerRun is { } revenue && revenue > 0 && count > 0)
        {
            margin = (double)((revenue - costPerRun) / revenue);
            maxCost = revenue * (1 - (decimal)request.TargetMargin);
        }

        return new WorkflowPlan(
            name,
            count,
            runsPerMonth,
            costPerRun,
            costPerRun * (decimal)runsPerMonth,
            cheap + premium == 0 ? 0 : (double)premium / (cheap + premium),
            modelCalls == 0 ? 0 : (double)hits / modelCalls,
            count == 0 ? 0 : (double)(runs.Sum(r => r.GpuSeconds) / count),
            margin,
            maxCost,
            runs.Sum(r => r.UnpricedCalls));
    }

    /// <summary>
    /// The observed period: <c>--since</c> to <c>--until</c> as given (days without records count: nothing ran then),
    /// a bound left out taken from the records, or now for an end after a given start; never past now. Days not yet
    /// lived counted as observed: "--since 2026-12-01 --until 2026-12-31" on the 5th divided five days' runs by 31.
    /// </summary>
    private static double ObservedDays(List<RunTotals> runs, PlanRequest request, DateTimeOffset now)
    {
        DateTimeOffset? until = request.Until is { } u && u > now ? now : request.Until;
        if (request.Since is { } since)
        {
            return Math.Max(1, ((until ?? now) - since).TotalDays);
        }

        if (runs.Count == 0)
        {
            return 1;
        }

        return Math.Max(1, ((until ?? runs.Max(r => r.End)) - runs.Min(r => r.Start)).TotalDays);
    }

    /// <summary>The most runs whose [first start, last completion] intervals overlap (a sweep over sorted ends).</summary>
    private static int PeakOverlap(List<RunTotals> runs)
    {
        var events = runs.SelectMany(r => new[] { (r.Start, 1), (r.End, -1) })
            .OrderBy(e => e.Item1).ThenBy(e => e.Item2);
        int current = 0, peak = 0;
        foreach (var (_, change) in events)
        {
            current += change;
            peak = Math.Max(peak, current);
        }

        return peak;
    }

    private sealed class RunTotals(string workflow, DateTimeOffset start, DateTimeOffset end)
    {
        public string Workflow { get; } = workflow;

        public DateTimeOffset Start { get; private set; } = start;

        public DateTimeOffset End { get; private set; } = end;

        public decimal Dollars { get; private set; }

        public long CheapCalls { get; private set; }

        public long PremiumCalls { get; private set; }

        public long OnnxCalls { get; private set; }

        public long CacheHits { get; private set; }

        // Decimal, so sums do not depend on the order records come in (see CostReportBuilder).
        public decimal GpuSeconds { get; private set; }

        public long UnpricedCalls { get; private set; }

        public void Add(CostRecord record)
        {
            Start = record.StartedAt < Start ? record.StartedAt : Start;
            End = record.CompletedAt > End ? record.CompletedAt : End;
            Dollars += record.Dollars;
            UnpricedCalls += record.Priced ? 0 : 1;
            GpuSeconds += (decimal)record.GpuSeconds;
            if (record.Cache != CacheOutcome.None)
            {
                CacheHits++;
                return;
            }

            switch (record.Tier)
            {
                case CostTier.Cheap: CheapCalls++; break;
                case CostTier.Premium: PremiumCalls++; break;
                case CostTier.Onnx: OnnxCalls++; break;
            }
        }
    }
}
