using Frugal.Classification;
using Microsoft.Extensions.AI;

namespace Frugal.Routing;

/// <summary>
/// A learned router as a classify step's <c>router:</c>: embeds the prompt, then scores it with a <see cref="RouterModel"/>.
/// The score is the percentile of the expected gain of premium over cheap among the training prompts; the signals
/// carry the expected gain itself and its parts.
/// </summary>
public sealed class LearnedComplexityClassifier : IComplexityClassifier
{
    private readonly RouterModel model;
    private readonly IEmbeddingGenerator<string, Embedding<float>> embeddings;

    /// <summary>Initializes a new instance of the <see cref="LearnedComplexityClassifier"/> class.</summary>
    /// <param name="model">The router.</param>
    /// <param name="embeddings">The embedding model the router was trained with.</param>
    public LearnedComplexityClassifier(RouterModel model, IEmbeddingGenerator<string, Embedding<float>> embeddings)
    {
        this.model = model ?? throw new ArgumentNullException(nameof(model));
        this.embeddings = embeddings ?? throw new ArgumentNullException(nameof(embeddings));
    }

    /// <inheritdoc />
    public string Name => model.Name;

    /// <summary>Gets the router.</summary>
    public RouterModel Model => model;

    /// <inheritdoc />
    public async ValueTask<ComplexityScore> ScoreAsync(string text, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(text);
        var embedding = await embeddings.GenerateAsync(text, cancellationToken: cancellationToken).ConfigureAwait(false);
        return model.Score(embedding.Vector.Span, text);
    }
}
