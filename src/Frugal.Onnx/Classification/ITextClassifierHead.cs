namespace Frugal.Onnx.Classification;

/// <summary>A head that reads each text beside its vector (a learned router also scores features of the text).</summary>
public interface ITextClassifierHead : IClassifierHead
{
    /// <summary>Scores a batch of vectors with their texts.</summary>
    /// <param name="embeddings">The vectors.</param>
    /// <param name="texts">The texts, in the same order.</param>
    /// <returns>One score per label for each vector, each score in [0, 1].</returns>
    float[][] Score(IReadOnlyList<float[]> embeddings, IReadOnlyList<string> texts);
}
