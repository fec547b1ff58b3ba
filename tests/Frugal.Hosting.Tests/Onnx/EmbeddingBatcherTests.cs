using Frugal.Onnx.Batching;
using Frugal.Onnx.Embeddings;

namespace Frugal.Hosting.Tests.Onnx;

public sealed class EmbeddingBatcherTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public async Task EmbedAsync_MoreTextsThanOneBatch_RunsTheLeftoversWithoutNewArrivals(double maxWaitMilliseconds)
    {
        var model = new CountingModel();
        await using var batcher = new EmbeddingBatcher(model, new BatchingOptions { MaxBatchSize = 4, MaxWaitMilliseconds = maxWaitMilliseconds });
        var inputs = Enumerable.Range(0, 10).Select(i => new TokenizedText(new long[] { 101, i, 102 }, 3)).ToList();

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var results = await batcher.EmbedAsync(inputs, timeout.Token);

        Assert.Equal(10, results.Count);
        Assert.Equal(3, model.Batches);
    }

    private sealed class CountingModel : IEmbeddingModel
    {
        public int Batches { get; private set; }

        public string Name => "counting";

        public int Dimensions => 2;

        public int MaxTokens => 16;

        public TokenizedText Tokenize(string text) => new(new long[] { 101, 102 }, 2);

        public float[][] Embed(IReadOnlyList<TokenizedText> batch)
        {
            Batches++;
            return [.. batch.Select(_ => new float[] { 1, 0 })];
        }
    }
}
