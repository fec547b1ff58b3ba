namespace Frugal.Routing;

/// <summary>
/// Measures a router as RouteLLM does: prompts are sorted by score, the top share goes to premium, and quality is the
/// mean of the premium score of routed prompts and the cheap score of the others. Prompts with equal scores cannot be
/// split by a threshold, so within a tie the curve is the expectation of a random tie-break (a straight line): a
/// router that gives every prompt the same score measures exactly as random routing.
/// </summary>
public static class RoutingMetrics
{
    /// <summary>Measures scores against labels.</summary>
    /// <param name="scores">One score per example; higher means "send to premium" first.</param>
    /// <param name="examples">The labelled examples, in the same order.</param>
    /// <param name="target">The target, as a fraction of premium-only quality (e.g. 0.95).</param>
    /// <returns>The figures.</returns>
    public static RoutingFigures Evaluate(IReadOnlyList<double> scores, IReadOnlyList<RoutingExample> examples, double target)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(examples);
        if (scores.Count != examples.Count || examples.Count == 0)
        {
            throw new ArgumentException($"Expected one score per example ({examples.Count}) and at least one example, got {scores.Count} scores.", nameof(scores));
        }

        var n = examples.Count;
        var cheapOnly = examples.Average(e => e.CheapScore);
        var premiumOnly = examples.Average(e => e.PremiumScore);
        var curve = Curve(scores, examples);
        var goal = target * premiumOnly;
        var (share, quality) = FirstReaching(curve, goal);
        var gap = premiumOnly - cheapOnly;
        var apgr = gap <= 0 ? 0 : Area(curve, cheapOnly) / gap;
        var random = goal <= cheapOnly ? 0 : gap <= 0 ? 1 : Math.Min(1, (goal - cheapOnly) / gap);
        return new RoutingFigures(n, target, share, quality, cheapOnly, premiumOnly, apgr, random);
    }

    /// <summary>The quality curve at every threshold between distinct scores: (premium share, quality) pairs from
    /// (0, cheap-only) to (1, premium-only).</summary>
    /// <param name="scores">One score per example.</param>
    /// <param name="examples">The examples.</param>
    /// <returns>The curve's corners; between two corners it is a straight line.</returns>
    public static IReadOnlyList<(double Share, double Quality)> Curve(IReadOnlyList<double> scores, IReadOnlyList<RoutingExample> examples)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(examples);
        var n = examples.Count;
        var order = Enumerable.Range(0, n).OrderByDescending(i => scores[i]).ToArray();
        var quality = examples.Sum(e => e.CheapScore);
        var points = new List<(double, double)>(n + 1) { (0, quality / n) };
        for (var i = 0; i < n; i++)
        {
            quality += examples[order[i]].Gain;
            var last = i == n - 1;
            if (last || scores[order[i + 1]] != scores[order[i]])
            {
                points.Add(((i + 1) / (double)n, quality / n));
            }
        }

        return points;
    }

    private static (double Share, double Quality) FirstReaching(IReadOnlyList<(double Share, double Quality)> curve, double goal)
    {
        // A small tolerance keeps sums of 0/1 scores that equal the goal from missing it by rounding.
        const double Epsilon = 1e-12;
        if (curve[0].Quality + Epsilon >= goal)
        {
            return curve[0];
        }

        for (var i = 1; i < curve.Count; i++)
        {
            var (s1, q1) = curve[i];
            if (q1 + Epsilon >= goal)
            {
                var (s0, q0) = curve[i - 1];
                var share = q1 == q0 ? s1 : s0 + ((s1 - s0) * Math.Clamp((goal - q0) / (q1 - q0), 0, 1));
                return (share, Math.Max(goal, q0));
            }
        }

        return curve[^1];
    }

    private static double Area(IReadOnlyList<(double Share, double Quality)> curve, double baseline)
    {
        var area = 0d;
        for (var i = 1; i < curve.Count; i++)
        {
            var width = curve[i].Share - curve[i - 1].Share;
            area += width * (((curve[i].Quality + curve[i - 1].Quality) / 2) - baseline);
        }

        return area;
    }
}
