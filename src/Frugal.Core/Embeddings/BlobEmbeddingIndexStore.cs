using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;

namespace Frugal.Embeddings;

/// <summary>Keeps each index as the blob <c>&lt;id&gt;.json</c> of a container, so every instance of the Functions app shares it.</summary>
public sealed class BlobEmbeddingIndexStore : IEmbeddingIndexStore
{
    private readonly BlobContainerClient _container;
    private int _created;

    /// <summary>Creates the store; the container is created on the first save.</summary>
    public BlobEmbeddingIndexStore(BlobContainerClient container) => _container = container;

    /// <inheritdoc />
    public async Task<EmbeddingIndex?> TryGetAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            var content = await _container.GetBlobClient(id + ".json").DownloadContentAsync(cancellationToken).ConfigureAwait(false);
            return JsonSerializer.Deserialize(content.Value.Content.ToMemory().Span, JsonContext.Default.EmbeddingIndex);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
        catch (JsonException)
        {
            // A damaged blob is a cache miss: the index is rebuilt and the blob rewritten.
            return null;
        }
    }

    /// <inheritdoc />
    public async Task SaveAsync(EmbeddingIndex index, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(index);
        if (Interlocked.Exchange(ref _created, 1) == 0)
        {
            await _container.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        var bytes = JsonSerializer.SerializeToUtf8Bytes(index, JsonContext.Default.EmbeddingIndex);
        await _container.GetBlobClient(index.Id + ".json").UploadAsync(new BinaryData(bytes), overwrite: true, cancellationToken).ConfigureAwait(false);
    }
}
