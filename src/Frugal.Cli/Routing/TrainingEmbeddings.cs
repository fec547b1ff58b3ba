using System.IO.Hashing;
using System.Text;
using Frugal.Cli.Local;
using Frugal.Routing;
using Microsoft.Extensions.AI;

namespace Frugal.Cli.Routing;

/// <summary>Embeds labelled prompts in batches, optionally reusing vectors kept in a cache file (keyed by id and a
/// hash of the prompt) so that repeated training runs over the same data skip the slow part.</summary>
internal static class TrainingEmbeddings
{
    private const int BatchSize = 32;

    public static async Task<float[][]> EmbedAsync(IEmbeddingGenerator<string, Embedding<float>> generator, IReadOnlyList<RoutingExample> examples,
        string? cacheFile, TextWriter progress, CancellationToken cancellationToken)
    {
        var cache = cacheFile is not null && File.Exists(cacheFile) ? Read(cacheFile) : [];
        var vectors = new float[examples.Count][];
        var missing = new List<int>();
        for (var i = 0; i < examples.Count; i++)
        {
            if (cache.TryGetValue(Key(examples[i]), out var vector))
            {
                vectors[i] = vector;
            }
            else
            {
                missing.Add(i);
            }
        }

        if (missing.Count < examples.Count)
        {
            await progress.WriteLineAsync($"Reusing {examples.Count - missing.Count} embeddings from {cacheFile}.");
        }

        for (var start = 0; start < missing.Count; start += BatchSize)
        {
            var batch = missing.Skip(start).Take(BatchSize).ToList();
            var result = await generator.GenerateAsync(batch.Select(i => examples[i].Prompt), cancellationToken: cancellationToken);
            for (var j = 0; j < batch.Count; j++)
            {
                vectors[batch[j]] = result[j].Vector.ToArray();
                cache[Key(examples[batch[j]])] = vectors[batch[j]];
            }

            var done = Math.Min(start + BatchSize, missing.Count);
            if (done % 512 == 0 || done == missing.Count)
            {
                await progress.WriteLineAsync($"Embedded {done}/{missing.Count} prompts.");
            }
        }

        if (cacheFile is not null && missing.Count > 0)
        {
            try
            {
                Write(cacheFile, cache);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The file the user named (a cache that was there, read-only): bad input, naming it, not "error: Access
                // to the path '...' is denied".
                throw new CliUsageException($"--cache: cannot write '{cacheFile}': {ex.Message}");
            }
        }

        return vectors;
    }

    private static string Key(RoutingExample example) =>
        example.Id + "/" + XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(example.Prompt)).ToString("x16", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Opens the cache the user named; one this account may not read is bad input, naming it, as one that cannot
    /// be written is (it ended as "error: Access to the path ... is denied", exit 1).</summary>
    private static FileStream Open(string path)
    {
        try
        {
            return File.OpenRead(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CliUsageException($"--cache: cannot read '{path}': {ex.Message}");
        }
    }

    /// <summary>
    /// The cache in <paramref name="path"/>. A file that is not one (a CSV named by mistake, an empty file, one cut
    /// short) is bad input, said before any prompt is embedded: its first bytes read as a count of entries ended the
    /// command with an OutOfMemoryException or "Unable to read beyond the end of the stream", exit 1.
    /// </summary>
    /// <exception cref="CliUsageException">The file cannot be read or is not an embeddings cache.</exception>
    private static Dictionary<string, float[]> Read(string path)
    {
        using var stream = Open(path);
        using var reader = new BinaryReader(stream, Encoding.UTF8);
        try
        {
            // Each entry takes at least 5 bytes (a key's length and a vector's), each value 4.
            var count = reader.ReadInt32();
            Check(count >= 0 && count <= (stream.Length - stream.Position) / 5, path);
            var cache = new Dictionary<string, float[]>(count, StringComparer.Ordinal);
            for (var i = 0; i < count; i++)
            {
                // The key as BinaryWriter.Write(string) wrote it, read by hand: ReadString refuses a negative length
                // with a plain IOException, which said nothing of the file.
                var keyLength = reader.Read7BitEncodedInt();
                Check(keyLength >= 0 && keyLength <= stream.Length - stream.Position - sizeof(int), path);
                var key = Encoding.UTF8.GetString(reader.ReadBytes(keyLength));
                var length = reader.ReadInt32();
                Check(length >= 0 && length <= (stream.Length - stream.Position) / sizeof(float), path);
                var vector = new float[length];
                for (var d = 0; d < vector.Length; d++)
                {
                    vector[d] = reader.ReadSingle();
                }

                cache[key] = vector;
            }

            Check(stream.Position == stream.Length, path);
            return cache;
        }
        catch (Exception ex) when (ex is EndOfStreamException or FormatException)
        {
            throw NotACache(path);
        }
    }

    private static void Check(bool valid, string path)
    {
        if (!valid)
        {
            throw NotACache(path);
        }
    }

    private static CliUsageException NotACache(string path) =>
        new($"--cache: '{path}' is not an embeddings cache (the file router train --cache writes); name another file, or delete this one if it is a cache cut short");

    private static void Write(string path, Dictionary<string, float[]> cache)
    {
        using var writer = new BinaryWriter(File.Create(path), Encoding.UTF8);
        writer.Write(cache.Count);
        foreach (var (key, vector) in cache)
        {
            writer.Write(key);
            writer.Write(vector.Length);
            foreach (var value in vector)
            {
                writer.Write(value);
            }
        }
    }
}
