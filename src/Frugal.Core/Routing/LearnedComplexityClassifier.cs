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
    private readonly Lazy<IEmbeddingGenerator<string, Embedding<float>>> embeddings;

    /// <summary>Initializes a new instance of the <see cref="LearnedComplexityClassifier"/> class.</summary>
    /// <param name="model">The router.</param>
    /// <param name="embeddings">The embedding model the router was trained with.</param>
    public LearnedComplexityClassifier(RouterModel model, IEmbeddingGenerator<string, Embedding<float>> embeddings)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        this.model = model ?? throw new ArgumentNullException(nameof(model));
        this.embeddings = new(embeddings);
    }

    /// <summary>
    /// Initializes a new instance of the <see cref="LearnedComplexityClassifier"/> class whose embedding model is
    /// created on the first prompt it scores. Hosts register every configured router as a classifier, and any step
    /// resolves them all; an in-process embedding model takes about a second to load, which runs that never use the
    /// router should not pay.
    /// </summary>
    /// <param name="model">The router.</param>
    /// <param name="embeddings">Creates the embedding model the router was trained with.</param>
    public LearnedComplexityClassifier(RouterModel model, Func<IEmbeddingGenerator<string, Embedding<float>>> embeddings)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        this.model = model ?? throw new ArgumentNullException(nameof(model));
        this.embeddings = new(embeddings);
    }

    /// <inheritdoc />
    public string Name => model.Name;

    /// <summary>Gets the router.</summary>
    public RouterModel Model => model;

    /// <inheritdoc />
    public async ValueTask<ComplexityScore> ScoreAsync(string text, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (string.IsNullOrWhiteSpace(text))
        {
            // Nothing to judge: the inference app refuses blank text (a deployed classify step failed on an empty
            // ticket), while in process it was embedded as [CLS] [SEP] alone and scored like a real prompt. Both now
            // route it as the least complex, without an embedding.
            return new ComplexityScore(0, new Dictionary<string, double> { ["empty_prompt"] = 1 });
        }

        var generator = embeddings.Value;
        var generated = await generator.GenerateAsync([text], cancellationToken: cancellationToken).ConfigureAwait(false);
        var score = model.Score(generated[0].Vector.Span, text);

        return score with { GpuSeconds = Frugal.Embeddings.InferenceEmbeddingGenerator.BilledSeconds(generator, generated) };
    }
}
