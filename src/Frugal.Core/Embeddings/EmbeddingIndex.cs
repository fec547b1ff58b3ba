namespace Frugal.Embeddings;

/// <summary>The embeddings of a lookup table's keys, built once per (keys, embedding model) and cached.</summary>
/// <param name="Id">The index's identity: a hash of the embedding model and the keys, in order.</param>
/// <param name="Model">The embedding model (its id and vector size) the vectors come from.</param>
/// <param name="Keys">The keys, in table order.</param>
/// <param name="Vectors">One unit-length vector per key.</param>
public sealed record EmbeddingIndex(string Id, string Model, IReadOnlyList<string> Keys, IReadOnlyList<float[]> Vectors);
