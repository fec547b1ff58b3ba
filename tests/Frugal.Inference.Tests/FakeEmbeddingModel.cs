using System.Collections.Concurrent;
using Frugal.Onnx.Embeddings;

namespace Frugal.Inference.Tests;

/// <summary>A hand-written embedding model: one token per word plus two, a vector of [token count, 0, 0, 0], and
/// a callback that lets a test hold a batch (to fill the queue) or watch what was batched.</summary>
internal sealed class FakeEmbeddingModel(string name = "fake") : IEmbeddingModel
{
    public string Name => name;

    public int Dimensions => 4;

    public int MaxTokens => 64;

    public Action<IReadOnlyList<TokenizedText>>? OnEmbed { get; set; }

    public ConcurrentQueue<int[]> Batches { get; } = new();

    public TokenizedText Tokenize(string text)
    {
        var count = text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length + 2;
        return new TokenizedText(new long[Math.Min(count, MaxTokens)], count);
    }

    public float[][] Embed(IReadOnlyList<TokenizedText> batch)
    {
        OnEmbed?.Invoke(batch);
        Batches.Enqueue([.. batch.Select(b => b.Ids.Length)]);
        return [.. batch.Select(b => new float[] { b.Ids.Length, 0, 0, 0 })];
    }

    /// <summary>Makes every run wait for <paramref name="gate"/>; <paramref name="entered"/> completes when the first run starts.</summary>
    public void HoldRuns(SemaphoreSlim gate, TaskCompletionSource entered) => OnEmbed = _ =>
    {
        entered.TrySetResult();
        gate.Wait();
        gate.Release();
    };
}
