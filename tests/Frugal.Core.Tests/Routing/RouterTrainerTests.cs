using Frugal.Routing;

namespace Frugal.Core.Tests.Routing;

public sealed class RouterTrainerTests
{
    [Theory]
    [InlineData("logistic")]
    [InlineData("knn")]
    [InlineData("ensemble")]
    public void Train_SharedSample_RanksTrainingRowsBetterThanRandom(string kind)
    {
        var examples = RoutingTestData.Sample();

        var model = RoutingTestData.Train(examples, kind);
        var scores = examples.Select(e => RouterEvaluator.RankingScore(model.Score(FakeEmbeddingGenerator.Embed(e.Prompt), e.Prompt))).ToList();
        var figures = RoutingMetrics.Evaluate(scores, examples, 0.95);

        Assert.InRange(examples.Count, 250, 350);
        Assert.Equal(kind, model.Document.Kind);
        Assert.Equal(101, model.Document.Quantiles.Count);
        Assert.True(figures.Apgr > 0.5, $"APGR {figures.Apgr} on the training rows");
    }

    [Fact]
    public void Score_AnyPrompt_IsAPercentileWithSignals()
    {
        var model = RoutingTestData.Train(RoutingTestData.Sample());
        const string Prompt = "Natalia sold clips to 48 of her friends in April, and then she sold half as many clips in May. How many clips did she sell?";

        var score = model.Score(FakeEmbeddingGenerator.Embed(Prompt), Prompt);

        Assert.InRange(score.Score, 0, 1);
        Assert.Contains("expected_gain", score.Signals.Keys);
        Assert.Contains("p_premium_correct", score.Signals.Keys);
        Assert.Contains("neighbour_gain", score.Signals.Keys);
    }

    [Fact]
    public void Score_NumberPastTheRangeOfDouble_ReadAsFarAsTheTrainingDataReach()
    {
        // A 400-digit number parsed as infinity: log_max_number was infinite, both heads certain, the gain 0.
        var model = RoutingTestData.Train(RoutingTestData.Sample(), "logistic");
        string huge = "What is the last digit of " + new string('7', 400) + " times 3?";
        var fromHuge = model.Estimate(FakeEmbeddingGenerator.Embed(huge), huge);

        Assert.True(double.IsFinite(fromHuge.Raw));
        Assert.InRange(fromHuge.PremiumCorrect, 0.0001, 0.9999);
        Assert.InRange(fromHuge.CheapCorrect, 0.0001, 0.9999);
    }

    [Fact]
    public void Train_UnknownKind_Throws()
    {
        var examples = RoutingTestData.Sample();

        var ex = Assert.Throws<ArgumentException>(() => RouterTrainer.Train(examples, [.. examples.Select(e => FakeEmbeddingGenerator.Embed(e.Prompt))],
            RoutingTestData.Identity, new RouterTrainingOptions { Kind = "forest" }, DateTimeOffset.UnixEpoch));

        Assert.Contains("Kind 'forest' is not one of logistic, knn, ensemble", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Split_SameIds_AlwaysSameSide()
    {
        var examples = RoutingTestData.Sample();

        var (train, holdout) = RoutingSplit.Split(examples, 0.2);
        var (train2, holdout2) = RoutingSplit.Split(examples, 0.2);

        Assert.Equal(examples.Count, train.Count + holdout.Count);
        Assert.Equal(holdout, holdout2);
        Assert.Equal(train, train2);
        Assert.InRange(holdout.Count / (double)examples.Count, 0.1, 0.3);
    }
}
