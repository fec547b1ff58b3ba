using System.Security.Cryptography;

namespace Frugal.Routing;

/// <summary>Which embedding model a router reads: a router trained on one model's vectors is meaningless on another's.</summary>
/// <param name="Name">The model's name, e.g. <c>all-MiniLM-L6-v2</c>.</param>
/// <param name="Dimensions">The size of its vectors.</param>
/// <param name="Sha256">The SHA-256 of its weights file (lower-case hex).</param>
public sealed record EmbeddingModelIdentity(string Name, int Dimensions, string Sha256)
{
    /// <summary>The identity of a model from its weights file.</summary>
    /// <param name="name">The model's name.</param>
    /// <param name="dimensions">The size of its vectors.</param>
    /// <param name="weightsFile">The weights file (e.g. <c>model.onnx</c>), hashed.</param>
    /// <returns>The identity.</returns>
    public static EmbeddingModelIdentity FromFile(string name, int dimensions, string weightsFile)
    {
        using var stream = File.OpenRead(weightsFile);
        return new EmbeddingModelIdentity(name, dimensions, Convert.ToHexStringLower(SHA256.HashData(stream)));
    }

    /// <summary>Whether another identity is the same model.</summary>
    /// <param name="other">The other identity.</param>
    /// <returns><see langword="true"/> when names, sizes and hashes agree.</returns>
    public bool SameModelAs(EmbeddingModelIdentity other) =>
        other is not null && string.Equals(Name, other.Name, StringComparison.OrdinalIgnoreCase) && Dimensions == other.Dimensions
        && string.Equals(Sha256, other.Sha256, StringComparison.OrdinalIgnoreCase);

    /// <inheritdoc />
    public override string ToString() => $"{Name} ({Dimensions} dimensions, sha256 {Sha256})";
}
