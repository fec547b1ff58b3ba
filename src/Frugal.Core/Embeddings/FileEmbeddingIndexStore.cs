using System.Text.Json;

namespace Frugal.Embeddings;

/// <summary>Keeps each index as <c>&lt;id&gt;.json</c> in a folder (by default <c>.frugal/embeddings/</c>).</summary>
public sealed class FileEmbeddingIndexStore : IEmbeddingIndexStore
{
    private readonly string _directory;

    /// <summary>Creates the store; the folder is created on the first save.</summary>
    public FileEmbeddingIndexStore(string directory) => _directory = Path.GetFullPath(directory);

    /// <inheritdoc />
    public async Task<EmbeddingIndex?> TryGetAsync(string id, CancellationToken cancellationToken)
    {
        var path = PathOf(id);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            var stream = File.OpenRead(path);
            await using (stream.ConfigureAwait(false))
            {
                return await JsonSerializer.DeserializeAsync(stream, JsonContext.Default.EmbeddingIndex, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (JsonException)
        {
            // A torn or hand-edited file is a cache miss: the index is rebuilt and the file rewritten.
            return null;
        }
    }

    /// <inheritdoc />
    public async Task SaveAsync(EmbeddingIndex index, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(index);
        Directory.CreateDirectory(_directory);
        var temp = PathOf(index.Id) + "." + Guid.NewGuid().ToString("N") + ".tmp";
        var stream = File.Create(temp);
        await using (stream.ConfigureAwait(false))
        {
            await JsonSerializer.SerializeAsync(stream, index, JsonContext.Default.EmbeddingIndex, cancellationToken).ConfigureAwait(false);
        }

        // Write then rename, so a concurrent reader never sees half a file.
        File.Move(temp, PathOf(index.Id), overwrite: true);
    }

    private string PathOf(string id) => Path.Combine(_directory, id + ".json");
}
