using Frugal.Embeddings;
using Frugal.Onnx.Batching;
using Frugal.Onnx.Embeddings;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace Frugal.Inference.Tests.Embeddings;

public sealed class EmbeddingIndexProviderTests
{
    [Fact]
    public async Task GetAsync_MoreKeysThanTheBatchQueueHolds_IndexesEveryKey()
    {
        // A semantic lookup table of 3,000 keys failed every attempt in process: "The queue of model 'fake' is full
        // (0 texts waiting, capacity 2048); retry after 1 s." (and the inference app refuses over 2048 inputs).
        var model = new FakeEmbeddingModel();
        await using var batcher = new EmbeddingBatcher(model, new BatchingOptions());
        using var generator = new OnnxEmbeddingGenerator(batcher);
        await using var services = new ServiceCollection().AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(generator).BuildServiceProvider();
        var folder = Directory.CreateTempSubdirectory("frugal-index-");
        try
        {
            var provider = new EmbeddingIndexProvider(services, new FileEmbeddingIndexStore(folder.FullName));
            string[] keys = [.. Enumerable.Range(0, 3000).Select(i => $"product {i}")];

            var (index, built, _) = await provider.GetAsync(keys, CancellationToken.None);

            Assert.True(built);
            Assert.Equal(keys, index.Keys);
            Assert.Equal(3000, index.Vectors.Count);
            Assert.All(index.Vectors, v => Assert.Equal(4, v.Length));
            Assert.Equal(3000, model.Batches.Sum(b => b.Length));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
