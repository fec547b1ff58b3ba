namespace Frugal.Models;

/// <summary>The answer of an ONNX classifier.</summary>
/// <param name="Label">The label with the highest score.</param>
/// <param name="Scores">The score of each label.</param>
/// <param name="Tokens">The word pieces the model read.</param>
/// <param name="GpuSeconds">The call's share of accelerator (or, in process, inference) time.</param>
/// <param name="Truncated">Whether the text was longer than the model reads and was cut: the label is of its head alone.</param>
public sealed record OnnxClassification(string Label, IReadOnlyDictionary<string, double> Scores, long Tokens, double GpuSeconds, bool Truncated);
