namespace Frugal.Embeddings;

/// <summary>Where Frugal's inference app is and how to call it.</summary>
public sealed class InferenceEmbeddingGeneratorOptions
{
    /// <summary>Gets or sets the base address of the inference app, for example <c>https://frugal-inference.example.net/</c>.</summary>
    public Uri? Endpoint { get; set; }

    /// <summary>Gets or sets the API key, sent as the <c>api-key</c> header; <see langword="null"/> for a loopback app that needs none.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Gets or sets the embedding model to ask for.</summary>
    public string Model { get; set; } = "all-MiniLM-L6-v2";

    /// <summary>Gets or sets the size of the model's vectors, reported in the generator's metadata.</summary>
    public int? Dimensions { get; set; } = 384;
}
