using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Frugal.Embeddings;

/// <summary>
/// Checks <see cref="EmbeddingIndexOptions"/> at start-up, naming each key. Unchecked, a bad container name or a service
/// address without its scheme surfaced only when the index was first read or written: at the first semantic lookup, or
/// at the nightly refresh in Azure, hours after a deploy that looked healthy.
/// </summary>
public sealed partial class EmbeddingIndexOptionsValidator : IValidateOptions<EmbeddingIndexOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, EmbeddingIndexOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        var section = EmbeddingIndexOptions.SectionName;
        var usesBlobs = !string.IsNullOrEmpty(options.BlobConnectionString) || options.BlobServiceUri is not null;
        if (usesBlobs && !ContainerName().IsMatch(options.BlobContainer ?? string.Empty))
        {
            failures.Add($"{section}:BlobContainer '{options.BlobContainer}' is not a blob container name: 3 to 63 lower-case letters, digits and single hyphens, beginning and ending with a letter or digit.");
        }

        if (options.BlobServiceUri is { } uri && (!uri.IsAbsoluteUri || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)))
        {
            failures.Add($"{section}:BlobServiceUri '{uri}' must be an absolute http(s) address, such as https://<account>.blob.core.windows.net/.");
        }

        if (!string.IsNullOrEmpty(options.BlobConnectionString)
            && StorageConnectionStrings.Problem(options.BlobConnectionString, static s => new Azure.Storage.Blobs.BlobServiceClient(s)) is { } parse)
        {
            // Found only at the first semantic lookup, which failed its step three times with the SDK's "Settings must
            // be of the form "name=value"", naming no setting.
            failures.Add($"{section}:BlobConnectionString is not an Azure Storage connection string ({parse}); use UseDevelopmentStorage=true for Azurite, or the account's connection string.");
        }

        if (!string.IsNullOrEmpty(options.BlobConnectionString) && options.BlobServiceUri is not null)
        {
            failures.Add($"{section}: set BlobConnectionString or BlobServiceUri, not both (one store holds the index).");
        }

        if (!usesBlobs && string.IsNullOrWhiteSpace(options.IndexPath))
        {
            failures.Add($"{section}:IndexPath must name a folder when no blob store is set.");
        }
        else if (!usesBlobs && File.Exists(options.IndexPath))
        {
            // Found at the first semantic lookup, which failed its step three times with "The file '...' already exists".
            failures.Add($"{section}:IndexPath '{options.IndexPath}' is a file; it must name a folder (made when missing), where the embeddings of semantic lookup tables are kept.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    // Azure's rule for container names.
    [GeneratedRegex("^(?=.{3,63}$)[a-z0-9]+(-[a-z0-9]+)*$", RegexOptions.CultureInvariant)]
    private static partial Regex ContainerName();
}
