namespace Frugal.Onnx.Embeddings;

/// <summary>A model that turns texts into vectors: the unit the <see cref="Batching.EmbeddingBatcher"/> serves.</summary>
public interface IEmbeddingModel
{
    /// <summary>Gets the name clients use.</summary>
    string Name { get; }

    /// <summary>Gets the size of a vector.</summary>
    int Dimensions { get; }

    /// <summary>Gets the most word pieces one text may have, special tokens included.</summary>
    int MaxTokens { get; }

    /// <summary>Tokenizes a text, cutting it to <see cref="MaxTokens"/> (see <see cref="TokenizedText.Truncated"/>).</summary>
    /// <param name="text">The text.</param>
    /// <returns>The model input.</returns>
    TokenizedText Tokenize(string text);

    /// <summary>Runs the model once over a batch. Blocks while the accelerator (or CPU) works.</summary>
    /// <param name="batch">The inputs; they are padded to the longest.</param>
    /// <returns>One vector per input, in order.</returns>
    float[][] Embed(IReadOnlyList<TokenizedText> batch);
}
