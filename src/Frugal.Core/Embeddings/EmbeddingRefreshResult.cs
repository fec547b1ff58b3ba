namespace Frugal.Embeddings;

/// <summary>What an embedding refresh did.</summary>
/// <param name="Tables">The semantic lookup tables found.</param>
/// <param name="Built">The indexes built because none was stored for the table's keys under the current model.</param>
/// <param name="Model">The embedding model's identity; empty when there was nothing to do, or no model to do it with.</param>
public sealed record EmbeddingRefreshResult(int Tables, int Built, string Model)
{
    /// <summary>True when the workflows have semantic lookup tables but the host has no embedding model (no inference
    /// app configured yet): nothing was built, and those lookups fail saying why until one is.</summary>
    public bool NoModel { get; init; }
}
