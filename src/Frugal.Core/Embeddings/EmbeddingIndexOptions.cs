namespace Frugal.Embeddings;

/// <summary>Where the embeddings of semantic lookup tables are kept. Bound from <c>Frugal:Embeddings</c>.</summary>
public sealed class EmbeddingIndexOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Frugal:Embeddings";

    /// <summary>Gets or sets the folder of the file store, used when neither <see cref="BlobConnectionString"/> nor <see cref="BlobServiceUri"/> is set.</summary>
    public string IndexPath { get; set; } = Path.Combine(".frugal", "embeddings");

    /// <summary>Gets or sets the storage connection string of the blob store (local development, Azurite).</summary>
    public string? BlobConnectionString { get; set; }

    /// <summary>Gets or sets the blob service endpoint of the blob store, reached with the app's managed identity (Azure).</summary>
    public Uri? BlobServiceUri { get; set; }

    /// <summary>Gets or sets the blob container of the blob store.</summary>
    public string BlobContainer { get; set; } = "frugal-embeddings";
}
