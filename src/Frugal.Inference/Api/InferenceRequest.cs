namespace Frugal.Inference.Api;

/// <summary>The fields of an embeddings or classify request that the service reads.</summary>
/// <param name="Model">The model name.</param>
/// <param name="Inputs">The texts.</param>
/// <param name="EncodingFormat"><c>float</c> or <c>base64</c> (embeddings only).</param>
/// <param name="Dimensions">The vector size the caller expects, if it said.</param>
internal sealed record InferenceRequest(string Model, IReadOnlyList<string> Inputs, string EncodingFormat, int? Dimensions);
