using Frugal.Onnx.Batching;
using Frugal.Onnx.Embeddings;

namespace Frugal.Onnx.Classification;

/// <summary>A classifier that embeds texts with a batched embedding model, then scores the vectors with a head.</summary>
public sealed class EmbeddingClassifier
{
    /// <summary>Initializes a new instance of the <see cref="EmbeddingClassifier"/> class.</summary>
    /// <param name="name">The name clients use.</param>
    /// <param name="embeddings">The batcher of the embedding model the head was trained on.</param>
    /// <param name="head">The head.</param>
    public EmbeddingClassifier(string name, EmbeddingBatcher embeddings, IClassifierHead head)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        ArgumentNullException.ThrowIfNull(head);
        if (head.Dimensions != embeddings.Model.Dimensions)
        {
            throw new InvalidDataException(
                $"Classifier '{name}' reads vectors of {head.Dimensions} values but '{embeddings.Model.Name}' makes {embeddings.Model.Dimensions}.");
        }

        Name = name;
        Embeddings = embeddings;
        Head = head;
    }

    /// <summary>Gets the name clients use.</summary>
    public string Name { get; }

    /// <summary>Gets the batcher of the embedding model.</summary>
    public EmbeddingBatcher Embeddings { get; }

    /// <summary>Gets the head.</summary>
    public IClassifierHead Head { get; }

    /// <summary>Classifies texts already tokenized by <see cref="EmbeddingBatcher.Model"/>.</summary>
    /// <param name="inputs">The texts.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>One result per text, in order.</returns>
    public Task<IReadOnlyList<ClassificationResult>> ClassifyAsync(IReadOnlyList<TokenizedText> inputs, CancellationToken cancellationToken = default) =>
        ClassifyAsync(inputs, texts: null, cancellationToken);

    /// <summary>Classifies texts already tokenized by <see cref="EmbeddingBatcher.Model"/>; a head that reads the texts too gets <paramref name="texts"/>.</summary>
    /// <param name="inputs">The tokenized texts.</param>
    /// <param name="texts">The texts themselves, in the same order (needed by an <see cref="ITextClassifierHead"/>).</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>One result per text, in order.</returns>
    public async Task<IReadOnlyList<ClassificationResult>> ClassifyAsync(IReadOnlyList<TokenizedText> inputs, IReadOnlyList<string>? texts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var embedded = await Embeddings.EmbedAsync(inputs, cancellationToken).ConfigureAwait(false);
        float[][] vectors = [.. embedded.Select(e => e.Vector)];
        var scores = Head is ITextClassifierHead textHead
            ? textHead.Score(vectors, texts ?? throw new ArgumentException($"classifier '{Name}' reads the texts too", nameof(texts)))
            : Head.Score(vectors);
        var results = new ClassificationResult[embedded.Count];
        for (var i = 0; i < results.Length; i++)
        {
            var best = 0;
            var byLabel = new Dictionary<string, float>(Head.Labels.Count, StringComparer.Ordinal);
            for (var k = 0; k < Head.Labels.Count; k++)
            {
                byLabel[Head.Labels[k]] = scores[i][k];
                best = scores[i][k] > scores[i][best] ? k : best;
            }

            results[i] = new ClassificationResult(Head.Labels[best], byLabel, embedded[i].Tokens, embedded[i].Truncated, embedded[i].ComputeSeconds);
        }

        return results;
    }

    /// <summary>Classifies texts, cutting any over the embedding model's limit.</summary>
    /// <param name="texts">The texts.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>One result per text, in order.</returns>
    public Task<IReadOnlyList<ClassificationResult>> ClassifyAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        return ClassifyAsync([.. texts.Select(Embeddings.Model.Tokenize)], texts, cancellationToken);
    }
}
