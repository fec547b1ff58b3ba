using Frugal.Engine;
using Frugal.Models;
using Frugal.Workflows;
using Microsoft.Extensions.Options;

namespace Frugal.Core.Tests.Models;

/// <summary>The premium-share cap over the most recent auto-routed decisions.</summary>
public sealed class PremiumShareGovernorTests
{
    private static readonly ModelCall Auto = new(ModelTier.Premium, "Explain the outage.") { AutoRouted = true, PremiumShareCap = 0.5 };

    [Fact]
    public void Decide_CallThatWouldPassTheCap_DowngradesNamingTheCap()
    {
        var governor = new PremiumShareGovernor(Options.Create(new RoutingLimitsOptions { Window = 10 }));
        Assert.Null(governor.Decide(Auto, Request("run-1", attempt: 1), 0, premium: false));

        Assert.Null(governor.Decide(Auto, Request("run-2", attempt: 1), 0, premium: true)); // 1 of 2: at the cap
        Assert.Equal("workflow premium share would pass its cap of 50%", governor.Decide(Auto, Request("run-3", attempt: 1), 0, premium: true)?.Replace(" %", "%", StringComparison.Ordinal));
    }

    [Fact]
    public void Decide_EmptyWindow_HoldsTheCapFromTheFirstCall()
    {
        // An empty window let its first premium call through: two runs at a 0.25 cap sent half their calls to premium.
        var quarter = Auto with { PremiumShareCap = 0.25 };
        var governor = new PremiumShareGovernor(Options.Create(new RoutingLimitsOptions { Window = 10 }));

        var decisions = Enumerable.Range(1, 8).Select(i => governor.Decide(quarter, Request($"run-{i}", attempt: 1), 0, premium: true) is null).ToList();

        // Premium only when the share, counting the call, is within 25%: the 4th (1 of 4) and the 8th (2 of 8).
        Assert.Equal([false, false, false, true, false, false, false, true], decisions);
    }

    [Fact]
    public void Decide_FullWindow_CountsTheDecisionThatDropsOut()
    {
        // Window of 10 at a 0.1 cap: one premium call in every ten, the oldest decision leaving as the new one comes.
        var tenth = Auto with { PremiumShareCap = 0.1 };
        var governor = new PremiumShareGovernor(Options.Create(new RoutingLimitsOptions { Window = 10 }));

        var premium = Enumerable.Range(1, 30).Count(i => governor.Decide(tenth, Request($"run-{i}", attempt: 1), 0, premium: true) is null);

        Assert.Equal(3, premium);
    }

    [Fact]
    public void Decide_SameCallAgainOnARetry_GetsItsFirstDecisionWithoutCountingAgain()
    {
        // Counted on each attempt, a retried premium call filled the window itself: its own second attempt was
        // downgraded, and so was the next run's call.
        var governor = new PremiumShareGovernor(Options.Create(new RoutingLimitsOptions { Window = 10 }));
        Assert.Null(governor.Decide(Auto, Request("run-1", attempt: 1), 0, premium: false));

        Assert.Null(governor.Decide(Auto, Request("run-2", attempt: 1), 0, premium: true));
        Assert.Null(governor.Decide(Auto, Request("run-2", attempt: 2), 0, premium: true));
        Assert.Null(governor.Decide(Auto, Request("run-2", attempt: 3), 0, premium: true));

        // One premium of two decisions so far: at the cap, so the next run's premium call is downgraded, and a third
        // decision is counted (one premium of three).
        Assert.NotNull(governor.Decide(Auto, Request("run-3", attempt: 1), 0, premium: true));
        Assert.Null(governor.Decide(Auto, Request("run-4", attempt: 1), 0, premium: true));
    }

    [Fact]
    public void Decide_ItemsOfOneForeachBatch_EachCounted()
    {
        var governor = new PremiumShareGovernor(Options.Create(new RoutingLimitsOptions { Window = 10 }));
        var batch = Request("run-1", attempt: 1) with { FirstItem = 0 };

        // The first alone would be all of the window's calls, over the 50% cap; with it counted, the second is half.
        Assert.NotNull(governor.Decide(Auto, batch, 0, premium: true));
        Assert.Null(governor.Decide(Auto, batch, 1, premium: true));
        Assert.NotNull(governor.Decide(Auto, batch, 2, premium: true));
    }

    private static StepRequest Request(string runId, int attempt) =>
        new StepRequest("triage", "hash", "default", "answer", attempt, [Auto]) { RunId = runId };
}
