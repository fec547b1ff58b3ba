using System.Security.Cryptography;

namespace Frugal.Routing;

/// <summary>Which data a router was trained on.</summary>
/// <param name="File">The file's name.</param>
/// <param name="Rows">The rows used for training.</param>
/// <param name="Sha256">The SHA-256 of the file.</param>
public sealed record RoutingDataIdentity(string File, int Rows, string Sha256)
{
    /// <summary>Describes a data file.</summary>
    /// <param name="path">The file.</param>
    /// <param name="rows">The rows used.</param>
    /// <returns>The identity.</returns>
    public static RoutingDataIdentity FromFile(string path, int rows)
    {
        using var stream = System.IO.File.OpenRead(path);
        return new RoutingDataIdentity(Path.GetFileName(path), rows, Convert.ToHexStringLower(SHA256.HashData(stream)));
    }
}
