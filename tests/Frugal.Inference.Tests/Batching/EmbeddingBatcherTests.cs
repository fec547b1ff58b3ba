using Frugal.Onnx.Batching;

namespace Frugal.Inference.Tests.Batching;

public sealed class EmbeddingBatcherTests
{
    private static (FakeEmbeddingModel Model, SemaphoreSlim Gate, TaskCompletionSource Entered) HeldModel()
    {
        var model = new FakeEmbeddingModel();
        var gate = new SemaphoreSlim(0);
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        model.HoldRuns(gate, entered);
        return (model, gate, entered);
    }

    [Fact]
    public async Task EmbedAsync_TextsQueuedWhileARunIsBusy_RunTogetherGroupedByLength()
    {
        var (model, gate, entered) = HeldModel();
        await using var batcher = new EmbeddingBatcher(model, new BatchingOptions { MaxBatchSize = 2, MaxWaitMilliseconds = 1000 });
        var first = batcher.EmbedAsync([model.Tokenize("x")]);
        await entered.Task;

        var rest = batcher.EmbedAsync([.. new[] { "a b", "a b c d e f g h i j", "a b c", "a b c d e f g h i j k" }.Select(model.Tokenize)]);
        gate.Release();
        var results = await rest;
        await first;

        Assert.Equal([[3], [4, 5], [12, 13]], model.Batches.ToArray());
        Assert.Equal([4f, 12f, 5f, 13f], results.Select(r => r.Vector[0]));
        gate.Dispose();
    }

    [Fact]
    public async Task EmbedAsync_MoreTextsThanTheQueueHolds_SaysSoInsteadOfRetryLater()
    {
        // The queue was empty, and the message said it was full and to retry after 1 s, which could never succeed.
        var model = new FakeEmbeddingModel();
        await using var batcher = new EmbeddingBatcher(model, new BatchingOptions { QueueCapacity = 4 });

        var error = await Assert.ThrowsAsync<ArgumentException>(() => batcher.EmbedAsync([.. Enumerable.Range(0, 5).Select(i => model.Tokenize("x"))]));

        Assert.Equal("inputs", error.ParamName);
        Assert.StartsWith("5 texts are more than the queue of model 'fake' holds (Onnx:Batching:QueueCapacity 4): send at most 4 at a time.", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, batcher.QueueLength);
    }

    [Fact]
    public async Task EmbedAsync_BatchingDisabled_RunsEachTextAlone()
    {
        var (model, gate, entered) = HeldModel();
        await using var batcher = new EmbeddingBatcher(model, new BatchingOptions { Enabled = false });
        var first = batcher.EmbedAsync([model.Tokenize("x")]);
        await entered.Task;

        var rest = batcher.EmbedAsync([model.Tokenize("a"), model.Tokenize("b"), model.Tokenize("c")]);
        gate.Release();
        await rest;
        await first;

        Assert.All(model.Batches, b => Assert.Single(b));
        Assert.Equal(4, model.Batches.Count);
        gate.Dispose();
    }

    [Fact]
    public async Task EmbedAsync_QueueFull_ThrowsWithRetryAfterAndLeavesTheQueueAsItWas()
    {
        var (model, gate, entered) = HeldModel();
        await using var batcher = new EmbeddingBatcher(model, new BatchingOptions { QueueCapacity = 3, MaxBatchSize = 8, MaxWaitMilliseconds = 0 });
        var first = batcher.EmbedAsync([model.Tokenize("x")]);
        await entered.Task;
        var queued = batcher.EmbedAsync([model.Tokenize("a"), model.Tokenize("b"), model.Tokenize("c")]);

        var ex = await Assert.ThrowsAsync<BatchQueueFullException>(() => batcher.EmbedAsync([model.Tokenize("d")]));

        Assert.Equal("The queue of model 'fake' is full (3 texts waiting, capacity 3); retry after 1 s.", ex.Message);
        Assert.Equal(TimeSpan.FromSeconds(1), ex.RetryAfter);
        Assert.Equal(3, batcher.QueueLength);
        gate.Release();
        await queued;
        await first;
        Assert.Equal(0, batcher.QueueLength);
        gate.Dispose();
    }

    [Fact]
    public async Task EmbedAsync_Results_CarryTokensAndAShareOfRunTime()
    {
        var model = new FakeEmbeddingModel();
        await using var batcher = new EmbeddingBatcher(model, new BatchingOptions { MaxWaitMilliseconds = 0 });

        var results = await batcher.EmbedAsync([model.Tokenize("one two")]);

        Assert.Equal(4, results[0].Tokens);
        Assert.False(results[0].Truncated);
        Assert.True(results[0].ComputeSeconds >= 0);
    }
}
