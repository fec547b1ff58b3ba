using System.Text.Json.Serialization;

namespace Frugal.Onnx.Models;

/// <summary>
/// The <c>model.json</c> file that describes one model folder: what the model is, which files it uses and how its
/// output is turned into an embedding or a classification.
/// </summary>
public sealed record ModelCard
{
    /// <summary>Gets the name clients use in the <c>model</c> field.</summary>
    public required string Name { get; init; }

    /// <summary>Gets the kind of model: <c>embedding</c> or <c>classifier</c>.</summary>
    public string Kind { get; init; } = ModelKinds.Embedding;

    /// <summary>Gets the ONNX file, relative to the folder (embedding models and ONNX classifier heads).</summary>
    public string? Model { get; init; }

    /// <summary>Gets the WordPiece vocabulary file of an embedding model, relative to the folder.</summary>
    public string? Vocabulary { get; init; }

    /// <summary>Gets the size of an embedding vector.</summary>
    public int Dimensions { get; init; }

    /// <summary>Gets the most word pieces one text may have, special tokens included.</summary>
    public int MaxTokens { get; init; } = 256;

    /// <summary>Gets the pooling of token vectors into one vector; only <c>mean</c> is supported.</summary>
    public string Pooling { get; init; } = "mean";

    /// <summary>Gets a value indicating whether vectors are scaled to unit length.</summary>
    public bool Normalize { get; init; } = true;

    /// <summary>Gets a value indicating whether text is lower-cased before tokenization.</summary>
    public bool LowerCase { get; init; } = true;

    /// <summary>Gets the embedding model a classifier reads its input from.</summary>
    public string? EmbeddingModel { get; init; }

    /// <summary>Gets the JSON linear head of a classifier (labels, weights, bias), relative to the folder.</summary>
    public string? Head { get; init; }

    /// <summary>Gets the labels of an ONNX classifier head, in the order of its output scores.</summary>
    public IReadOnlyList<string>? Labels { get; init; }

    /// <summary>Gets how an ONNX classifier head's outputs become scores: <c>softmax</c> (logits),
    /// <c>sigmoid</c> or <c>none</c> (already probabilities).</summary>
    public string Activation { get; init; } = "softmax";

    /// <summary>Gets where the model came from.</summary>
    public string? Source { get; init; }

    /// <summary>Gets the folder the card was read from.</summary>
    [JsonIgnore]
    public string Folder { get; init; } = "";
}
