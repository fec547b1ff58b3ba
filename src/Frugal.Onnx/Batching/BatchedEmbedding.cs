namespace Frugal.Onnx.Batching;

/// <summary>The vector of one text and what producing it cost.</summary>
/// <param name="Vector">The embedding.</param>
/// <param name="Tokens">The word pieces the model read for this text.</param>
/// <param name="Truncated">Whether the text was cut to the model's limit.</param>
/// <param name="ComputeSeconds">This text's share of its batch's run time (accelerator seconds on a GPU).</param>
/// <param name="QueueSeconds">How long the text waited before its batch started.</param>
public sealed record BatchedEmbedding(float[] Vector, int Tokens, bool Truncated, double ComputeSeconds, double QueueSeconds);
