using System.IO.Hashing;
using System.Text;
using Microsoft.Extensions.AI;

namespace Frugal.Core.Tests.Routing;

/// <summary>Hashed bag-of-words unit vectors: deterministic, similar texts get similar vectors, no model needed.</summary>
internal sealed class FakeEmbeddingGenerator(int dimensions = 384) : IEmbeddingGenerator<string, Embedding<float>>
{
    public Func<string, float[]>? OnEmbed { get; set; }

    public int Calls { get; private set; }

    public static float[] Embed(string text, int dimensions = 384)
    {
        var vector = new float[dimensions];
        foreach (var word in text.ToLowerInvariant().Split((char[])[' ', '\n', '.', ',', '?'], StringSplitOptions.RemoveEmptyEntries))
        {
            vector[(int)(XxHash32.HashToUInt32(Encoding.UTF8.GetBytes(word)) % (uint)dimensions)] += 1;
        }

        var norm = MathF.Sqrt(vector.Sum(v => v * v));
        return norm == 0 ? vector : [.. vector.Select(v => v / norm)];
    }

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values,
        EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        Calls++;
        var result = new GeneratedEmbeddings<Embedding<float>>(values.Select(v => new Embedding<float>(OnEmbed?.Invoke(v) ?? Embed(v, dimensions))));
        return Task.FromResult(result);
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}
