namespace Frugal.Onnx.Classification;

/// <summary>Turns embedding vectors into scores over labels.</summary>
public interface IClassifierHead
{
    /// <summary>Gets the labels, in the order of the scores.</summary>
    IReadOnlyList<string> Labels { get; }

    /// <summary>Gets the size of the vectors the head reads.</summary>
    int Dimensions { get; }

    /// <summary>Scores a batch of vectors.</summary>
    /// <param name="embeddings">The vectors.</param>
    /// <returns>One score per label for each vector, each score in [0, 1].</returns>
    float[][] Score(IReadOnlyList<float[]> embeddings);
}
