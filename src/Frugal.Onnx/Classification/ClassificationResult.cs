namespace Frugal.Onnx.Classification;

/// <summary>The classification of one text.</summary>
/// <param name="Label">The label with the highest score.</param>
/// <param name="Scores">The score of each label.</param>
/// <param name="Tokens">The word pieces the embedding model read.</param>
/// <param name="Truncated">Whether the text was cut to the embedding model's limit.</param>
/// <param name="ComputeSeconds">The text's share of model run time.</param>
public sealed record ClassificationResult(
    string Label, IReadOnlyDictionary<string, float> Scores, int Tokens, bool Truncated, double ComputeSeconds);
