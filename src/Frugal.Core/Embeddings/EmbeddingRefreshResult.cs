namespace Frugal.Embeddings;

/// <summary>What an embedding refresh did.</summary>
/// <param name="Tables">The semantic lookup tables found.</param>
/// <param name="Built">The indexes built because none was stored for the table's keys under the current model.</param>
/// <param name="Model">The embedding model's identity.</param>
public sealed record EmbeddingRefreshResult(int Tables, int Built, string Model);
