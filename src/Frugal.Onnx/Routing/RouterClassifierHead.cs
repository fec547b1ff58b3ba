using Frugal.Onnx.Classification;
using Frugal.Routing;

namespace Frugal.Onnx.Routing;

/// <summary>
/// A learned router (a <c>routers/</c> folder) as a classifier the inference app serves: labels <c>cheap</c> and
/// <c>premium</c>, the premium score being the router's score (the prompt's percentile of expected gain among its
/// training prompts), so the label is <c>premium</c> for the top half and a caller applies its own threshold to the score.
/// </summary>
public sealed class RouterClassifierHead : ITextClassifierHead
{
    private readonly RouterModel _router;

    /// <summary>Creates the head.</summary>
    /// <param name="router">The router.</param>
    /// <param name="dimensions">The size of the vectors of the embedding model it was trained with.</param>
    public RouterClassifierHead(RouterModel router, int dimensions)
    {
        _router = router ?? throw new ArgumentNullException(nameof(router));
        Dimensions = dimensions;
    }

    /// <inheritdoc />
    public IReadOnlyList<string> Labels { get; } = ["cheap", "premium"];

    /// <inheritdoc />
    public int Dimensions { get; }

    /// <inheritdoc />
    public float[][] Score(IReadOnlyList<float[]> embeddings) =>
        throw new InvalidOperationException("a learned router scores each vector with its text");

    /// <inheritdoc />
    public float[][] Score(IReadOnlyList<float[]> embeddings, IReadOnlyList<string> texts)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        ArgumentNullException.ThrowIfNull(texts);
        var scores = new float[embeddings.Count][];
        for (var i = 0; i < scores.Length; i++)
        {
            var premium = (float)_router.Score(embeddings[i], texts[i]).Score;
            scores[i] = [1 - premium, premium];
        }

        return scores;
    }
}
