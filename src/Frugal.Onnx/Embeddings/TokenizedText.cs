namespace Frugal.Onnx.Embeddings;

/// <summary>A text turned into model input.</summary>
/// <param name="Ids">The word-piece ids fed to the model, special tokens included, at most the model's limit.</param>
/// <param name="TokenCount">The number of word pieces of the whole text, before any truncation.</param>
public sealed record TokenizedText(ReadOnlyMemory<long> Ids, int TokenCount)
{
    /// <summary>Gets a value indicating whether the text was cut to fit the model's limit.</summary>
    public bool Truncated => TokenCount > Ids.Length;
}
