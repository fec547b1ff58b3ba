using Frugal.Classification;

namespace Frugal.Routing;

/// <summary>Runs a classifier over labelled prompts one at a time, as production does, and measures routing quality
/// and decision latency (with the rules router's latency on the same prompts beside it).</summary>
public static class RouterEvaluator
{
    /// <summary>The signal used to break ties between equal scores (a learned router's percentile is flat beyond the
    /// training range; its expected gain is not).</summary>
    public const string TieBreakSignal = "expected_gain";

    /// <summary>Evaluates a classifier.</summary>
    /// <param name="classifier">The router.</param>
    /// <param name="examples">The labelled prompts.</param>
    /// <param name="target">The quality target, as a fraction of premium-only quality.</param>
    /// <param name="timeProvider">The clock for latencies.</param>
    /// <param name="progress">Receives the number of prompts scored so far.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>The figures.</returns>
    public static async Task<RouterEvaluation> EvaluateAsync(IComplexityClassifier classifier, IReadOnlyList<RoutingExample> examples,
        double target, TimeProvider timeProvider, IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        ArgumentNullException.ThrowIfNull(examples);
        ArgumentNullException.ThrowIfNull(timeProvider);
        var scores = new double[examples.Count];
        var learned = new double[examples.Count];
        var rules = new double[examples.Count];
        for (var i = 0; i < examples.Count; i++)
        {
            var started = timeProvider.GetTimestamp();
            var score = await classifier.ScoreAsync(examples[i].Prompt, cancellationToken).ConfigureAwait(false);
            learned[i] = timeProvider.GetElapsedTime(started).TotalMilliseconds;
            scores[i] = RankingScore(score);

            started = timeProvider.GetTimestamp();
            RulesComplexityClassifier.Score(examples[i].Prompt);
            rules[i] = timeProvider.GetElapsedTime(started).TotalMilliseconds;
            if ((i + 1) % 100 == 0)
            {
                progress?.Report(i + 1);
            }
        }

        return Summarise(classifier.Name, scores, examples, target, learned, rules);
    }

    /// <summary>The value examples are ranked by: the score, ties broken by the expected gain.</summary>
    /// <param name="score">A classifier's verdict.</param>
    /// <returns>The ranking value.</returns>
    public static double RankingScore(Frugal.Classification.ComplexityScore score)
    {
        ArgumentNullException.ThrowIfNull(score);
        return score.Score + (score.Signals.TryGetValue(TieBreakSignal, out var gain) ? Math.Clamp(gain, -1, 1) * 1e-6 : 0);
    }

    /// <summary>Builds the evaluation from scores already computed.</summary>
    /// <param name="router">The router's name.</param>
    /// <param name="scores">One score per example.</param>
    /// <param name="examples">The examples.</param>
    /// <param name="target">The quality target.</param>
    /// <param name="decisionMs">The learned router's decision times.</param>
    /// <param name="rulesMs">The rules router's decision times.</param>
    /// <returns>The figures.</returns>
    public static RouterEvaluation Summarise(string router, IReadOnlyList<double> scores, IReadOnlyList<RoutingExample> examples, double target,
        IReadOnlyList<double> decisionMs, IReadOnlyList<double> rulesMs)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(examples);
        var all = RoutingMetrics.Evaluate(scores, examples, target);
        var bySource = new SortedDictionary<string, RoutingFigures>(StringComparer.Ordinal);
        foreach (var group in Enumerable.Range(0, examples.Count).GroupBy(i => examples[i].SourcePrefix))
        {
            bySource[group.Key] = RoutingMetrics.Evaluate([.. group.Select(i => scores[i])], [.. group.Select(i => examples[i])], target);
        }

        return new RouterEvaluation(router, all.Rows, target, all.PremiumShare, all.Quality, all.CheapOnlyQuality, all.PremiumOnlyQuality,
            all.Apgr, all.RandomPremiumShare, Percentile(decisionMs, 0.50), Percentile(decisionMs, 0.99),
            Percentile(rulesMs, 0.50), Percentile(rulesMs, 0.99), bySource);
    }

    private static double Percentile(IReadOnlyList<double> values, double p)
    {
        if (values.Count == 0)
        {
            return 0;
        }

        var sorted = values.Order().ToArray();
        return Math.Round(sorted[(int)Math.Ceiling(p * sorted.Length) - 1], 4);
    }
}
