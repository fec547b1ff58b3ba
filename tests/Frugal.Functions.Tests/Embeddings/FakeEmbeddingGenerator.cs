using Microsoft.Extensions.AI;

namespace Frugal.Functions.Tests.Embeddings;

/// <summary>Deterministic 8-dimension vectors from character codes, under a model id of the test's choosing.</summary>
internal sealed class FakeEmbeddingGenerator(string modelId) : IEmbeddingGenerator<string, Embedding<float>>
{
    private readonly EmbeddingGeneratorMetadata _metadata = new("fake", null, modelId, 8);

    public int Texts { get; private set; }

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        var result = new GeneratedEmbeddings<Embedding<float>>();
        foreach (var value in values)
        {
            Texts++;
            var vector = new float[8];
            for (var i = 0; i < value.Length; i++)
            {
                vector[i % 8] += value[i];
            }

            result.Add(new Embedding<float>(vector) { ModelId = modelId });
        }

        return Task.FromResult(result);
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceType == typeof(EmbeddingGeneratorMetadata) ? _metadata : serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }
}
