using Frugal.Classification;

namespace Frugal.Routing;

/// <summary>A loaded router: turns a prompt's embedding and text into a <see cref="ComplexityScore"/>.</summary>
public sealed class RouterModel
{
    private readonly double[]? premium;
    private readonly double[]? cheap;
    private readonly double premiumBias;
    private readonly double cheapBias;
    private readonly double[] mean;
    private readonly double[] scale;

    internal RouterModel(RouterDocument document, NeighbourIndex? neighbours)
    {
        Document = document;
        Neighbours = neighbours;
        mean = [.. document.Inputs.Mean];
        scale = [.. document.Inputs.Scale];
        var p = document.Heads.FirstOrDefault(h => h.Target == RouterHead.PremiumCorrect);
        var c = document.Heads.FirstOrDefault(h => h.Target == RouterHead.CheapCorrect);
        premium = p is null ? null : [.. p.Weights];
        premiumBias = p?.Bias ?? 0;
        cheap = c is null ? null : [.. c.Weights];
        cheapBias = c?.Bias ?? 0;
    }

    /// <summary>Gets the router's <c>router.json</c>.</summary>
    public RouterDocument Document { get; }

    /// <summary>Gets the router's name.</summary>
    public string Name => Document.Name;

    internal NeighbourIndex? Neighbours { get; }

    /// <summary>Scores a prompt from its embedding.</summary>
    /// <param name="embedding">The prompt's vector from <see cref="RouterDocument.EmbeddingModel"/>.</param>
    /// <param name="text">The prompt.</param>
    /// <returns>The percentile of the expected gain, with the parts as signals.</returns>
    public ComplexityScore Score(ReadOnlySpan<float> embedding, string text)
    {
        var parts = Estimate(embedding, text);
        var signals = new Dictionary<string, double>
        {
            ["expected_gain"] = parts.Raw,
        };
        if (premium is not null)
        {
            signals["p_premium_correct"] = Math.Round(parts.PremiumCorrect, 4);
            signals["p_cheap_correct"] = Math.Round(parts.CheapCorrect, 4);
        }

        if (Neighbours is not null)
        {
            signals["neighbour_gain"] = Math.Round(parts.NeighbourGain, 4);
            signals["nearest_similarity"] = Math.Round(parts.Nearest, 4);
        }

        return new ComplexityScore(Math.Round(Percentile(parts.Raw), 4), signals);
    }

    internal RouterEstimate Estimate(ReadOnlySpan<float> embedding, string text, int exclude = -1)
    {
        if (embedding.Length != Document.EmbeddingModel.Dimensions)
        {
            throw new ArgumentException($"Router '{Name}' reads vectors of {Document.EmbeddingModel.Dimensions} values, not {embedding.Length}.", nameof(embedding));
        }

        double pp = 0, pc = 0;
        if (premium is not null && cheap is not null)
        {
            var row = BuildRow(embedding, PromptFeatures.Compute(text), mean, scale);
            pp = LogisticRegression.Predict(premium, premiumBias, row);
            pc = LogisticRegression.Predict(cheap, cheapBias, row);
        }

        var (vote, nearest) = Neighbours is { } index && Document.Neighbours is { } settings
            ? index.Vote(embedding, settings.K, settings.Temperature, exclude)
            : (0, 0);
        var raw = (Document.LogisticWeight * (pp - pc)) + (Document.NeighbourWeight * vote);
        return new RouterEstimate(raw, pp, pc, vote, nearest);
    }

    /// <summary>The share of training prompts whose raw score is below <paramref name="raw"/>, interpolated.</summary>
    internal double Percentile(double raw)
    {
        var q = Document.Quantiles;
        if (q.Count < 2)
        {
            return Math.Clamp(raw, 0, 1);
        }

        if (raw <= q[0])
        {
            return 0;
        }

        if (raw >= q[^1])
        {
            return 1;
        }

        var hi = 1;
        while (q[hi] < raw)
        {
            hi++;
        }

        var span = q[hi] - q[hi - 1];
        var fraction = span <= 0 ? 0.5 : (raw - q[hi - 1]) / span;
        return (hi - 1 + fraction) / (q.Count - 1);
    }

    internal static double[] BuildRow(ReadOnlySpan<float> embedding, double[] features, IReadOnlyList<double>? mean, IReadOnlyList<double>? scale)
    {
        var row = new double[embedding.Length + features.Length];
        for (var i = 0; i < embedding.Length; i++)
        {
            row[i] = embedding[i];
        }

        features.CopyTo(row, embedding.Length);
        if (mean is not null && scale is not null)
        {
            Standardise(row, mean, scale, embedding.Length);
        }

        return row;
    }

    /// <summary>
    /// The farthest, in standard deviations from the training mean, a hand feature is read. The training data reach
    /// 13.2 (a prompt that is a third digits); past that a linear head only extrapolates, and a 400-digit number made
    /// <c>log_max_number</c> infinite, which put both heads at certainty whatever the prompt said.
    /// </summary>
    internal const double MaxFeatureDeviations = 15;

    /// <summary>Standardises a row in place with the training mean and scale, clipping the hand features (from
    /// <paramref name="featuresStart"/>) to <see cref="MaxFeatureDeviations"/>.</summary>
    internal static void Standardise(double[] row, IReadOnlyList<double> mean, IReadOnlyList<double> scale, int featuresStart)
    {
        for (var i = 0; i < row.Length; i++)
        {
            row[i] = (row[i] - mean[i]) / scale[i];
            if (i >= featuresStart)
            {
                row[i] = double.IsNaN(row[i]) ? 0 : Math.Clamp(row[i], -MaxFeatureDeviations, MaxFeatureDeviations);
            }
        }
    }
}
