namespace Frugal.Onnx.Models;

/// <summary>The values of <see cref="ModelCard.Kind"/>.</summary>
public static class ModelKinds
{
    /// <summary>A sentence-embedding model: tokenizer, ONNX encoder, pooling.</summary>
    public const string Embedding = "embedding";

    /// <summary>A classifier over the vectors of an embedding model: a JSON linear head or an ONNX head.</summary>
    public const string Classifier = "classifier";
}
