using Frugal.Core.Tests.Budgets;
using Frugal.Costs;
using Frugal.Planning;

namespace Frugal.Core.Tests.Planning;

/// <summary>The planner's numbers on a hand-made ledger of 10 days.</summary>
public sealed class MarginPlannerTests
{
    private static readonly DateTimeOffset Start = new(2025, 5, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task PlanAsync_HandMadeLedger_ProjectsRunsCostSharesAndMargin()
    {
        var plan = await MarginPlanner.PlanAsync(Ledger(), new PlanRequest
        {
            Scale = 10, RevenuePerRun = 0.10m, TargetMargin = 0.7, Since = Start, Until = Start.AddDays(10),
        }, TimeProvider.System, CancellationToken.None);

        // triage: 4 runs in 10 days -> 0.4/day x 30.4375 x 10 = 121.75 runs a month at $0.02 a run.
        var triage = plan.Workflows.Single(w => w.Workflow == "triage");
        Assert.Equal(4, triage.ObservedRuns);
        Assert.Equal(121.75, triage.RunsPerMonth, 6);
        Assert.Equal(0.02m, triage.CostPerRun);
        Assert.Equal(2.435m, triage.MonthlyCost);
        Assert.Equal(0.25, triage.PremiumShare, 6);    // 1 premium of 4 hosted calls
        Assert.Equal(0.2, triage.CacheHitRate, 6);     // 1 hit of 5 model calls
        Assert.Equal(0.8, triage.Margin!.Value, 6);     // (0.10 - 0.02) / 0.10
        Assert.Equal(0.03m, triage.MaxCostPerRun);      // 0.10 x (1 - 0.7)
        Assert.True(triage.MeetsTarget);

        // extract: 1 run at $0.05 -> margin 50 %, below the 70 % target; 2 GPU seconds per run.
        var extract = plan.Workflows.Single(w => w.Workflow == "extract");
        Assert.Equal(0.05m, extract.CostPerRun);
        Assert.Equal(0.5, extract.Margin!.Value, 6);
        Assert.False(extract.MeetsTarget);
        Assert.Equal(2.0, extract.GpuSecondsPerRun, 6);
        Assert.Equal(5, plan.Total.ObservedRuns);
        Assert.Equal(0.13m, plan.Total.CostPerRun * 5);
    }

    [Fact]
    public async Task PlanAsync_ObservedOverlap_ScalesPeakConcurrencyAndSizesGpuReplicas()
    {
        var plan = await MarginPlanner.PlanAsync(Ledger(), new PlanRequest { Scale = 10, Since = Start, Until = Start.AddDays(10) }, TimeProvider.System, CancellationToken.None);

        // Runs 1 and 2 of triage overlap with the extract run: 3 at once, x 10 = 30.
        Assert.Equal(3, plan.ObservedPeakConcurrency);
        Assert.Equal(30, plan.PeakConcurrency);

        // 2 GPU s over 5 runs = 0.4 GPU s/run; mean run lasts (60 + 50 + 10 + 10 + 60) / 5 = 38 s, so a run in flight
        // keeps 0.4 / 38 of a GPU busy; peak demand 30 x 0.4 / 38 = 0.316 GPU-s/s -> 1 replica. Mean demand:
        // 0.4 x 152.1875 runs a month / 2,629,800 s.
        Assert.Equal(30 * 0.4 / 38, plan.PeakGpuDemand, 6);
        Assert.Equal(1, plan.GpuReplicas);
        Assert.Equal(0.4 * 152.1875 / 2_629_800, plan.MeanGpuDemand, 12);
        Assert.Equal(plan.MeanGpuDemand, plan.GpuUtilisation, 12);
    }

    [Fact]
    public async Task PlanAsync_GivenPeakConcurrency_UsesIt()
    {
        var plan = await MarginPlanner.PlanAsync(Ledger(), new PlanRequest { PeakConcurrency = 500, GpuReplicaCapacity = 2 }, TimeProvider.System, CancellationToken.None);

        Assert.Equal(500, plan.PeakConcurrency);
        Assert.Equal(500 * 0.4 / 38, plan.PeakGpuDemand, 6);   // 5.26 GPU-s/s
        Assert.Equal(3, plan.GpuReplicas);                      // ceil(5.26 / 2)
    }

    [Fact]
    public async Task PlanAsync_EmptyLedger_ZeroPlan()
    {
        var plan = await MarginPlanner.PlanAsync(new ListLedger(), new PlanRequest { Scale = 10 }, TimeProvider.System, CancellationToken.None);

        Assert.Empty(plan.Workflows);
        Assert.Equal(0, plan.GpuReplicas);
        Assert.Equal(0m, plan.Total.MonthlyCost);
    }

    [Fact]
    public async Task PlanAsync_EmptyLedgerWithRevenue_HasNoMargin()
    {
        // With no run there is no cost per run to compare with the revenue; it read as a 100% margin.
        var plan = await MarginPlanner.PlanAsync(new ListLedger(), new PlanRequest { RevenuePerRun = 0.01m }, TimeProvider.System, CancellationToken.None);

        Assert.Null(plan.Total.Margin);
        Assert.Null(plan.Total.MeetsTarget);
    }

    [Fact]
    public async Task PlanAsync_UnpricedCalls_AreCounted()
    {
        var at = Start.AddDays(1);
        var plan = await MarginPlanner.PlanAsync(
            new ListLedger([
                new CostRecord { RunId = "o1", Workflow = "intent", StepId = "urgency", Tier = CostTier.Onnx, GpuSeconds = 0.01, Priced = false, StartedAt = at, CompletedAt = at },
                new CostRecord { RunId = "o1", Workflow = "intent", StepId = "reply", Tier = CostTier.Cheap, Dollars = 0.001m, StartedAt = at, CompletedAt = at },
            ]),
            new PlanRequest(),
            TimeProvider.System, CancellationToken.None);

        Assert.Equal(1, plan.Total.UnpricedCalls);
        Assert.Equal(1, Assert.Single(plan.Workflows).UnpricedCalls);
    }

    [Fact]
    public async Task PlanAsync_UnpricedCallsUnderTheTarget_MeetingItIsNotKnown()
    {
        // It said the target was met, though the unpriced call could cost anything: the margin is an upper bound.
        var at = Start.AddDays(1);
        var plan = await MarginPlanner.PlanAsync(
            new ListLedger([
                new CostRecord { RunId = "o1", Workflow = "intent", StepId = "reply", Tier = CostTier.Cheap, Priced = false, StartedAt = at, CompletedAt = at },
                new CostRecord { RunId = "o1", Workflow = "intent", StepId = "other", Tier = CostTier.Cheap, Dollars = 0.001m, StartedAt = at, CompletedAt = at },
            ]),
            new PlanRequest { RevenuePerRun = 1m },
            TimeProvider.System, CancellationToken.None);

        Assert.Equal(0.999, plan.Total.Margin!.Value, 6);
        Assert.Null(plan.Total.MeetsTarget);
    }

    [Fact]
    public async Task PlanAsync_PeriodEndingInTheFuture_CountsOnlyTheDaysUpToNow()
    {
        // "This month" asked on the 5th divided five days' runs by 31 days: a sixth of the real rate and cost.
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(Start.AddDays(10));

        var bounded = await MarginPlanner.PlanAsync(Ledger(), new PlanRequest { Since = Start, Until = Start.AddDays(31) }, time, CancellationToken.None);
        var sinceOnly = await MarginPlanner.PlanAsync(Ledger(), new PlanRequest { Since = Start }, time, CancellationToken.None);

        Assert.Equal(10, bounded.ObservedDays, 6);
        Assert.Equal(10, sinceOnly.ObservedDays, 6);
    }

    [Fact]
    public async Task PlanAsync_PeakPastAnInt_StaysExact()
    {
        // 3 runs at once x 1,000,000,000 was cut to int.MaxValue, and the replicas with it.
        var plan = await MarginPlanner.PlanAsync(Ledger(), new PlanRequest { Scale = 1_000_000_000, Since = Start, Until = Start.AddDays(10) }, TimeProvider.System, CancellationToken.None);

        Assert.Equal(3_000_000_000L, plan.PeakConcurrency);
    }

    private static ListLedger Ledger()
    {
        var records = new List<CostRecord>();
        void Add(string run, string workflow, CostTier tier, decimal dollars, DateTimeOffset at, double seconds,
            CacheOutcome cache = CacheOutcome.None, double gpu = 0) => records.Add(new CostRecord
            {
                RunId = run, Workflow = workflow, StepId = "s" + records.Count, Tier = tier, Dollars = dollars, Cache = cache,
                GpuSeconds = gpu, StartedAt = at, CompletedAt = at.AddSeconds(seconds),
            });

        var day2 = Start.AddDays(2);
        Add("t1", "triage", CostTier.Cheap, 0.01m, day2, 30);
        Add("t1", "triage", CostTier.Premium, 0.01m, day2.AddSeconds(30), 30);
        Add("t2", "triage", CostTier.Cheap, 0.02m, day2.AddSeconds(10), 50);
        Add("t3", "triage", CostTier.Cheap, 0.02m, Start.AddDays(5), 10);
        Add("t4", "triage", CostTier.Deterministic, 0.00m, Start.AddDays(6), 5);
        Add("t4", "triage", CostTier.None, 0.02m, Start.AddDays(6).AddSeconds(5), 5, CacheOutcome.Exact);
        Add("e1", "extract", CostTier.Onnx, 0.05m, day2.AddSeconds(20), 60, gpu: 2);
        return new ListLedger([.. records]);
    }
}
