using Microsoft.Extensions.AI;

namespace Frugal.Hosting.Tests.Onnx;

/// <summary>Counts the texts that reach the inner generator, to tell an index built from one reused.</summary>
internal sealed class CountingEmbeddingGenerator(IEmbeddingGenerator<string, Embedding<float>> inner)
    : DelegatingEmbeddingGenerator<string, Embedding<float>>(inner)
{
    private int _texts;

    public int Texts => Volatile.Read(ref _texts);

    public override Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = values.ToList();
        Interlocked.Add(ref _texts, list.Count);
        return base.GenerateAsync(list, options, cancellationToken);
    }
}
