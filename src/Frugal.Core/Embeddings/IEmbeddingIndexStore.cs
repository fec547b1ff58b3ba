namespace Frugal.Embeddings;

/// <summary>Where built <see cref="EmbeddingIndex"/>es are kept between runs: files locally, a blob container in Azure.</summary>
public interface IEmbeddingIndexStore
{
    /// <summary>Reads an index, or <see langword="null"/> when none was stored under that id.</summary>
    Task<EmbeddingIndex?> TryGetAsync(string id, CancellationToken cancellationToken);

    /// <summary>Stores an index under its id, replacing any older copy.</summary>
    Task SaveAsync(EmbeddingIndex index, CancellationToken cancellationToken);
}
