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
    public void Decide_CapReached_DowngradesNamingTheCap()
    {
        var governor = new PremiumShareGovernor(Options.Create(new RoutingLimitsOptions { Window = 10 }));

        Assert.Null(governor.Decide(Auto, Request("run-1", attempt: 1), 0, premium: true));
        Assert.Equal("workflow premium share reached its cap of 50%", governor.Decide(Auto, Request("run-2", attempt: 1), 0, premium: true)?.Replace(" %", "%", StringComparison.Ordinal));
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

        Assert.Null(governor.Decide(Auto, batch, 0, premium: true));
        Assert.NotNull(governor.Decide(Auto, batch, 1, premium: true));
    }

    private static StepRequest Request(string runId, int attempt) =>
        new StepRequest("triage", "hash", "default", "answer", attempt, [Auto]) { RunId = runId };
}
