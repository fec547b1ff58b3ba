using Frugal.Routing;

namespace Frugal.Core.Tests.Routing;

public sealed class RoutingMetricsTests
{
    // Cheap-only 0.5, premium-only 1.0: A and C need premium, B and D do not.
    private static readonly RoutingExample[] Examples =
    [
        new("a", "mmlu/x", "A", 0, 1),
        new("b", "mmlu/x", "B", 1, 1),
        new("c", "gsm8k", "C", 0, 1),
        new("d", "gsm8k", "D", 1, 1),
    ];

    [Fact]
    public void Evaluate_PerfectOrder_InterpolatesShareAndApgr()
    {
        var figures = RoutingMetrics.Evaluate([1.0, 0.1, 0.9, 0.0], Examples, 0.95);

        Assert.Equal(4, figures.Rows);
        Assert.Equal(0.5, figures.CheapOnlyQuality, 9);
        Assert.Equal(1.0, figures.PremiumOnlyQuality, 9);
        Assert.Equal(0.45, figures.PremiumShare, 9);
        Assert.Equal(0.95, figures.Quality, 9);
        Assert.Equal(0.75, figures.Apgr, 9);
        Assert.Equal(0.9, figures.RandomPremiumShare, 9);
    }

    [Fact]
    public void Evaluate_AllScoresEqual_MeasuresAsRandom()
    {
        var figures = RoutingMetrics.Evaluate([0.3, 0.3, 0.3, 0.3], Examples, 0.95);

        Assert.Equal(figures.RandomPremiumShare, figures.PremiumShare, 9);
        Assert.Equal(0.5, figures.Apgr, 9);
    }

    [Fact]
    public void Evaluate_WorstOrder_NeedsAlmostEveryPremiumCall()
    {
        var figures = RoutingMetrics.Evaluate([0.0, 1.0, 0.1, 0.9], Examples, 0.95);

        Assert.Equal(0.95, figures.PremiumShare, 9);
        Assert.Equal(0.25, figures.Apgr, 9);
    }

    [Fact]
    public void Evaluate_CheapAlreadyMeetsTarget_ShareIsZero()
    {
        RoutingExample[] easy = [new("a", "s", "A", 1, 1), new("b", "s", "B", 1, 1)];

        var figures = RoutingMetrics.Evaluate([0.5, 0.2], easy, 0.95);

        Assert.Equal(0, figures.PremiumShare);
        Assert.Equal(0, figures.RandomPremiumShare);
    }

    [Fact]
    public void Evaluate_ScoreCountMismatch_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(() => RoutingMetrics.Evaluate([0.5], Examples, 0.95));

        Assert.Contains("one score per example", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Summarise_TwoSources_SweepsEachOnItsOwnRows()
    {
        var evaluation = RouterEvaluator.Summarise("r", [1.0, 0.1, 0.9, 0.0], Examples, 0.95, [1, 2, 3], [0.01]);

        Assert.Equal(["gsm8k", "mmlu"], evaluation.BySource.Keys);
        Assert.Equal(2, evaluation.BySource["mmlu"].Rows);
        Assert.Equal(0.45, evaluation.BySource["mmlu"].PremiumShare, 9);
        Assert.Equal(2, evaluation.P50DecisionMs);
        Assert.Equal(3, evaluation.P99DecisionMs);
    }
}
