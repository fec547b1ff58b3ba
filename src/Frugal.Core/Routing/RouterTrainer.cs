namespace Frugal.Routing;

/// <summary>
/// Trains a router from labelled examples and their embeddings. The logistic heads predict P(premium correct) and
/// P(cheap correct) separately: their difference is the expected gain (linearity of expectation), which ranks
/// "cheap wrong, premium right" prompts first and leaves prompts both tiers answer (or both miss) behind.
/// </summary>
public static class RouterTrainer
{
    /// <summary>The fewest examples a router is trained on.</summary>
    public const int MinExamples = 10;

    /// <summary>Trains a router.</summary>
    /// <param name="examples">The labelled examples.</param>
    /// <param name="embeddings">One unit vector per example, from <paramref name="embeddingModel"/>.</param>
    /// <param name="embeddingModel">The embedding model's identity, stored in the router.</param>
    /// <param name="options">How to train.</param>
    /// <param name="created">When (stored in the router).</param>
    /// <returns>The router.</returns>
    public static RouterModel Train(IReadOnlyList<RoutingExample> examples, IReadOnlyList<float[]> embeddings,
        EmbeddingModelIdentity embeddingModel, RouterTrainingOptions options, DateTimeOffset created)
    {
        ArgumentNullException.ThrowIfNull(examples);
        ArgumentNullException.ThrowIfNull(embeddings);
        ArgumentNullException.ThrowIfNull(embeddingModel);
        ArgumentNullException.ThrowIfNull(options);
        if (examples.Count < MinExamples || embeddings.Count != examples.Count)
        {
            throw new ArgumentException($"Training needs at least {MinExamples} examples and one embedding each (got {examples.Count} and {embeddings.Count}).", nameof(examples));
        }

        if (!RouterTrainingOptions.Kinds.Contains(options.Kind))
        {
            throw new ArgumentException($"Kind '{options.Kind}' is not one of {string.Join(", ", RouterTrainingOptions.Kinds)}.", nameof(options));
        }

        var raw = examples.Select((e, i) => RouterModel.BuildRow(embeddings[i], PromptFeatures.Compute(e.Prompt), null, null)).ToList();
        var (mean, scale) = Standardise(raw);
        var rows = raw.Select((r, i) =>
        {
            var row = r.ToArray();
            RouterModel.Standardise(row, mean, scale, embeddings[i].Length);
            return row;
        }).ToList();
        var useLogistic = options.Kind != "knn";
        var useNeighbours = options.Kind != "logistic";
        var heads = new List<RouterHead>();
        if (useLogistic)
        {
            var (wp, bp) = LogisticRegression.Fit(rows, [.. examples.Select(e => e.PremiumScore)], options.L2, options.Iterations);
            var (wc, bc) = LogisticRegression.Fit(rows, [.. examples.Select(e => e.CheapScore)], options.L2, options.Iterations);
            heads.Add(new RouterHead(RouterHead.PremiumCorrect, wp, bp));
            heads.Add(new RouterHead(RouterHead.CheapCorrect, wc, bc));
        }

        var index = useNeighbours ? NeighbourIndex.Create(embeddings, [.. examples.Select(e => e.Gain)]) : null;
        var neighbourWeight = options.Kind switch { "knn" => 1, "logistic" => 0, _ => options.NeighbourWeight };
        var document = new RouterDocument
        {
            Name = options.Name,
            Kind = options.Kind,
            Created = created,
            EmbeddingModel = embeddingModel,
            Inputs = new RouterInputs(PromptFeatures.Names, mean, scale),
            Heads = heads,
            Neighbours = useNeighbours ? new RouterNeighbours("neighbours.bin", examples.Count, options.K, options.Temperature) : null,
            LogisticWeight = 1 - neighbourWeight,
            NeighbourWeight = neighbourWeight,
        };

        // Percentiles come from leave-one-out neighbour votes, so they describe prompts the router has not seen.
        var model = new RouterModel(document, index);
        var scores = examples.Select((e, i) => model.Estimate(embeddings[i], e.Prompt, exclude: i).Raw).Order().ToArray();
        var quantiles = Enumerable.Range(0, 101).Select(p => scores[(int)Math.Round(p / 100.0 * (scores.Length - 1))]).ToList();
        return new RouterModel(document with { Quantiles = quantiles }, index);
    }

    private static (double[] Mean, double[] Scale) Standardise(List<double[]> rows)
    {
        var d = rows[0].Length;
        var mean = new double[d];
        var scale = new double[d];
        foreach (var row in rows)
        {
            for (var j = 0; j < d; j++)
            {
                mean[j] += row[j] / rows.Count;
            }
        }

        foreach (var row in rows)
        {
            for (var j = 0; j < d; j++)
            {
                scale[j] += (row[j] - mean[j]) * (row[j] - mean[j]) / rows.Count;
            }
        }

        for (var j = 0; j < d; j++)
        {
            scale[j] = scale[j] > 1e-12 ? Math.Sqrt(scale[j]) : 1;
        }

        return (mean, scale);
    }
}
