using System.Threading.Channels;
using Frugal.Onnx.Embeddings;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Frugal.Onnx.Batching;

/// <summary>
/// Dynamic batching in front of one <see cref="IEmbeddingModel"/>: texts from many callers are queued and run together,
/// up to <see cref="BatchingOptions.MaxBatchSize"/> texts and <see cref="BatchingOptions.MaxBatchTokens"/> padded tokens,
/// waiting at most <see cref="BatchingOptions.MaxWaitMilliseconds"/> for a batch to fill. Texts of similar length go
/// together to limit padding. The queue is bounded; a request that does not fit throws <see cref="BatchQueueFullException"/>.
/// </summary>
public sealed class EmbeddingBatcher : IAsyncDisposable
{
    // One entry per request, so the worker takes a request's texts together: written one by one, a request could be
    // split by the worker waking between two writes into a batch smaller than it had to be.
    private readonly Channel<WorkItem[]> channel = Channel.CreateUnbounded<WorkItem[]>(new UnboundedChannelOptions { SingleWriter = false });
    private readonly BatchingOptions options;
    private readonly TimeProvider timeProvider;
    private readonly BatcherMetrics? metrics;
    private readonly ILogger logger;
    private readonly CancellationTokenSource stopping = new();
    private readonly Task[] workers;
    private readonly Lock pendingLock = new();
    private readonly List<WorkItem> pending = [];
    private int queued;
    private long busyTicks;
    private double secondsPerText = 0.01;

    /// <summary>Initializes a new instance of the <see cref="EmbeddingBatcher"/> class and starts its workers.</summary>
    /// <param name="model">The model to run.</param>
    /// <param name="options">Batch sizes, wait and queue bounds.</param>
    /// <param name="timeProvider">The clock for waits.</param>
    /// <param name="metrics">Where batch figures are recorded; <see langword="null"/> for none.</param>
    /// <param name="logger">The logger.</param>
    public EmbeddingBatcher(IEmbeddingModel model, BatchingOptions options, TimeProvider? timeProvider = null,
        BatcherMetrics? metrics = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        Model = model;
        this.options = options;
        this.timeProvider = timeProvider ?? TimeProvider.System;
        this.metrics = metrics;
        this.logger = logger ?? NullLogger.Instance;
        metrics?.Register(this);
        workers = [.. Enumerable.Range(0, options.Workers).Select(_ => Task.Run(RunWorkerAsync))];
    }

    /// <summary>Gets the model this batcher serves.</summary>
    public IEmbeddingModel Model { get; }

    /// <summary>Gets the number of texts waiting for a batch.</summary>
    public int QueueLength => Volatile.Read(ref queued);

    /// <summary>Gets the number of batches that may run at once.</summary>
    public int Workers => options.Workers;

    /// <summary>Gets the total time spent in model runs, in seconds.</summary>
    public double BusySeconds => (double)Interlocked.Read(ref busyTicks) / timeProvider.TimestampFrequency;

    /// <summary>Queues tokenized texts and returns their vectors once their batches have run.</summary>
    /// <param name="inputs">The texts, from <see cref="IEmbeddingModel.Tokenize"/>.</param>
    /// <param name="cancellationToken">Cancels the wait; texts already in a running batch still run.</param>
    /// <returns>One result per input, in order.</returns>
    /// <exception cref="ArgumentException"><paramref name="inputs"/> holds more texts than the whole queue.</exception>
    /// <exception cref="BatchQueueFullException">The queue has no room for all of <paramref name="inputs"/>.</exception>
    /// <exception cref="BatcherStoppedException">The batcher is being disposed, before the texts ran.</exception>
    public async Task<IReadOnlyList<BatchedEmbedding>> EmbedAsync(IReadOnlyList<TokenizedText> inputs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (stopping.IsCancellationRequested)
        {
            throw Stopped();
        }

        if (inputs.Count == 0)
        {
            return [];
        }

        // Refused as full, it was told to retry after a second, which could never succeed.
        if (inputs.Count > options.QueueCapacity)
        {
            throw new ArgumentException(
                $"{inputs.Count} texts are more than the queue of model '{Model.Name}' holds (Onnx:Batching:QueueCapacity {options.QueueCapacity}): send at most {options.QueueCapacity} at a time.",
                nameof(inputs));
        }

        // The whole request is admitted or refused: a half-queued request would hold room it cannot use.
        if (Interlocked.Add(ref queued, inputs.Count) > options.QueueCapacity)
        {
            var waiting = Interlocked.Add(ref queued, -inputs.Count);
            Log.QueueFull(logger, Model.Name, waiting, inputs.Count);
            var seconds = Math.Max(1, Math.Ceiling(waiting * Volatile.Read(ref secondsPerText) / options.Workers));
            throw new BatchQueueFullException(
                $"The queue of model '{Model.Name}' is full ({waiting} texts waiting, capacity {options.QueueCapacity}); retry after {seconds} s.",
                TimeSpan.FromSeconds(seconds));
        }

        var now = timeProvider.GetTimestamp();
        var items = new WorkItem[inputs.Count];
        for (var i = 0; i < items.Length; i++)
        {
            items[i] = new WorkItem(inputs[i], now, cancellationToken);
        }

        // Disposal completes the writer before it stops the workers and fails what they left: a request that passed
        // the check above while disposal began is refused here, not written to a channel no one reads (it waited for ever).
        if (!channel.Writer.TryWrite(items))
        {
            Interlocked.Add(ref queued, -items.Length);
            throw Stopped();
        }

        var results = new BatchedEmbedding[items.Length];
        for (var i = 0; i < items.Length; i++)
        {
            results[i] = await items[i].Completion.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        return results;
    }

    private async Task RunWorkerAsync()
    {
        var reader = channel.Reader;
        var token = stopping.Token;
        try
        {
            while (HasPending() || await reader.WaitToReadAsync(token).ConfigureAwait(false))
            {
                Drain(reader);

                // Texts left over when a batch fills must run without waiting for a new text to arrive.
                do
                {
                    await WaitForBatchAsync(reader, token).ConfigureAwait(false);

                    // Once disposal began no batch starts: what is left is failed as stopped, the same for every text.
                    token.ThrowIfCancellationRequested();
                    var batch = TakeBatch();
                    if (batch.Count > 0)
                    {
                        Run(batch);
                    }
                }
                while (HasPending());
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // Disposal: pending texts are cancelled below.
        }
    }

    private async Task WaitForBatchAsync(ChannelReader<WorkItem[]> reader, CancellationToken token)
    {
        if (!options.Enabled || options.MaxWaitMilliseconds <= 0)
        {
            return;
        }

        while (true)
        {
            TimeSpan remaining;
            lock (pendingLock)
            {
                if (pending.Count == 0 || pending.Count >= options.MaxBatchSize)
                {
                    return;
                }

                remaining = TimeSpan.FromMilliseconds(options.MaxWaitMilliseconds) - timeProvider.GetElapsedTime(pending[0].Enqueued);
            }

            if (remaining <= TimeSpan.Zero)
            {
                return;
            }

            using var timeout = new CancellationTokenSource(remaining, timeProvider);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(token, timeout.Token);
            try
            {
                if (!await reader.WaitToReadAsync(linked.Token).ConfigureAwait(false))
                {
                    return;
                }
            }
            catch (OperationCanceledException) when (!token.IsCancellationRequested)
            {
                return;
            }

            Drain(reader);
        }
    }

    private bool HasPending()
    {
        lock (pendingLock)
        {
            return pending.Count > 0;
        }
    }

    private void Drain(ChannelReader<WorkItem[]> reader)
    {
        lock (pendingLock)
        {
            while (reader.TryRead(out var items))
            {
                pending.AddRange(items);
            }
        }
    }

    // The oldest text always goes first (no starvation); its companions are the texts closest to it in length.
    private List<WorkItem> TakeBatch()
    {
        lock (pendingLock)
        {
            var cancelled = pending.RemoveAll(static item => item.Cancelled());
            Interlocked.Add(ref queued, -cancelled);
            var batch = new List<WorkItem>();
            if (pending.Count == 0)
            {
                return batch;
            }

            var first = pending[0];
            var limit = options.Enabled ? options.MaxBatchSize : 1;
            var width = first.Input.Ids.Length;
            batch.Add(first);
            if (limit > 1 && pending.Count > 1)
            {
                var length = first.Input.Ids.Length;
                foreach (var candidate in pending.Skip(1).OrderBy(c => Math.Abs(c.Input.Ids.Length - length)))
                {
                    var newWidth = Math.Max(width, candidate.Input.Ids.Length);
                    if (batch.Count >= limit || (batch.Count + 1) * newWidth > options.MaxBatchTokens)
                    {
                        break;
                    }

                    batch.Add(candidate);
                    width = newWidth;
                }
            }

            var taken = batch.ToHashSet();
            pending.RemoveAll(taken.Contains);
            return batch;
        }
    }

    private void Run(List<WorkItem> batch)
    {
        var started = timeProvider.GetTimestamp();
        Interlocked.Add(ref queued, -batch.Count);
        try
        {
            var vectors = Model.Embed([.. batch.Select(b => b.Input)]);
            var elapsed = timeProvider.GetTimestamp() - started;
            Interlocked.Add(ref busyTicks, elapsed);
            var seconds = (double)elapsed / timeProvider.TimestampFrequency;
            Volatile.Write(ref secondsPerText, seconds / batch.Count);
            var waits = batch.Select(b => (double)(started - b.Enqueued) / timeProvider.TimestampFrequency).ToArray();
            metrics?.RecordBatch(Model.Name, batch.Count, batch.Sum(b => b.Input.Ids.Length), seconds, waits);
            for (var i = 0; i < batch.Count; i++)
            {
                var input = batch[i].Input;
                batch[i].Completion.TrySetResult(
                    new BatchedEmbedding(vectors[i], input.Ids.Length, input.Truncated, seconds / batch.Count, waits[i]));
            }
        }
#pragma warning disable CA1031 // One failed run must fail its callers, not stop the worker.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Interlocked.Add(ref busyTicks, timeProvider.GetTimestamp() - started);
            Log.BatchFailed(logger, ex, batch.Count, Model.Name);
            foreach (var item in batch)
            {
                item.Completion.TrySetException(ex);
            }
        }
    }

    /// <summary>
    /// Refuses new texts, lets the batches already running finish, and fails the texts still waiting with
    /// <see cref="BatcherStoppedException"/> (they were cancelled, which their callers could not tell from their own
    /// cancellation: the inference app answered them 500 with an empty body).
    /// </summary>
    /// <returns>A task that completes when the workers have stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        if (stopping.IsCancellationRequested)
        {
            return;
        }

        // In this order: once the writer is complete no text can be added, so the drain below finds every text the
        // workers did not run.
        channel.Writer.TryComplete();
        await stopping.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(workers).ConfigureAwait(false);
        metrics?.Unregister(this);
        Drain(channel.Reader);
        lock (pendingLock)
        {
            var stopped = Stopped();
            foreach (var item in pending)
            {
                item.Completion.TrySetException(stopped);
            }

            Interlocked.Add(ref queued, -pending.Count);
            pending.Clear();
        }

        stopping.Dispose();
    }

    private BatcherStoppedException Stopped() => new($"Model '{Model.Name}' is stopping (the process is shutting down); retry after 5 s.");

    private sealed class WorkItem(TokenizedText input, long enqueued, CancellationToken cancellationToken)
    {
        public TokenizedText Input { get; } = input;

        public long Enqueued { get; } = enqueued;

        public TaskCompletionSource<BatchedEmbedding> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool Cancelled() => cancellationToken.IsCancellationRequested;
    }
}
