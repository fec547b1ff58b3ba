using System.Text.Json.Nodes;
using Frugal.Embeddings;
using Frugal.Expressions;

namespace Frugal.Engine;

/// <summary>
/// Lookups with <c>match: semantic</c>: the input goes to the table key nearest in meaning (cosine similarity of
/// sentence embeddings) when the similarity reaches <see cref="DeterministicCall.MinSimilarity"/>, else to the default.
/// No chat model answers, so the call has no model cost; when the embeddings come from Frugal's inference app, its
/// accelerator seconds are recorded.
/// </summary>
public sealed class SemanticLookupHandler
{
    private readonly EmbeddingIndexProvider _indexes;

    /// <summary>Creates the handler.</summary>
    public SemanticLookupHandler(EmbeddingIndexProvider indexes) => _indexes = indexes;

    /// <summary>Runs a semantic lookup.</summary>
    /// <param name="call">A lookup call with <see cref="Workflows.LookupMatch.Semantic"/>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The matched value (or the default), with the match and its similarity in the metadata.</returns>
    public async Task<CallResult> ExecuteAsync(DeterministicCall call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        var table = call.Table ?? throw new StepInputException("lookup needs a table");
        var input = ExpressionValues.Render(call.Input);
        if (string.IsNullOrWhiteSpace(input) || table.Count == 0)
        {
            return new CallResult(call.Default?.DeepClone(), "deterministic") { Metadata = new JsonObject { ["match"] = null } };
        }

        var keys = table.Keys.ToList();
        EmbeddingIndex index;
        bool built;
        double buildSeconds, seconds;
        float[][] vectors;
        try
        {
            (index, built, buildSeconds) = await _indexes.GetAsync(keys, cancellationToken).ConfigureAwait(false);
            (vectors, seconds) = await _indexes.EmbedAsync([input], cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex) when (InferenceEmbeddingGenerator.IsRefusal(ex))
        {
            // Refused by the inference app (413 for a text over the token limit under OverLimit=Reject): the same on
            // every attempt, and nothing ran; as an HttpRequestException the step was tried three times.
            throw new StepInputException($"semantic lookup: {ex.Message}", ex);
        }

        var (best, similarity) = Nearest(index, vectors[0]);
        var matched = similarity >= call.MinSimilarity;
        var metadata = new JsonObject
        {
            ["match"] = matched ? index.Keys[best] : null,
            ["nearest"] = index.Keys[best],
            ["similarity"] = Math.Round(similarity, 4),
            ["embedding_model"] = index.Model,
            ["index_built"] = built,
        };
        var output = matched ? table[index.Keys[best]]?.DeepClone() : call.Default?.DeepClone();
        var gpu = seconds + buildSeconds;
        return new CallResult(output, "deterministic", Provider: gpu > 0 ? Frugal.Embeddings.InferenceEmbeddingGenerator.ProviderName : null, GpuSeconds: gpu) { Metadata = metadata };
    }

    /// <summary>
    /// A linear scan: lookup tables are written by hand in workflow files (tens of keys, a few hundred at most), where
    /// 384 multiply-adds per key take microseconds, less than building or loading an approximate-nearest-neighbour
    /// index (USearch) would, and the answer is exact.
    /// </summary>
    private static (int Index, double Similarity) Nearest(EmbeddingIndex index, float[] query)
    {
        var best = 0;
        var bestSimilarity = double.NegativeInfinity;
        for (var k = 0; k < index.Vectors.Count; k++)
        {
            var vector = index.Vectors[k];
            var dot = 0f;
            for (var i = 0; i < vector.Length; i++)
            {
                dot += vector[i] * query[i];
            }

            if (dot > bestSimilarity)
            {
                best = k;
                bestSimilarity = dot;
            }
        }

        return (best, bestSimilarity);
    }
}
