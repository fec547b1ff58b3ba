namespace Frugal.Onnx.Batching;

/// <summary>Thrown when the batch queue has no room for a request; the caller should retry after <see cref="RetryAfter"/>.</summary>
public sealed class BatchQueueFullException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="BatchQueueFullException"/> class.</summary>
    public BatchQueueFullException()
        : this("The batch queue is full.", TimeSpan.FromSeconds(1))
    {
    }

    /// <summary>Initializes a new instance of the <see cref="BatchQueueFullException"/> class.</summary>
    /// <param name="message">The message.</param>
    public BatchQueueFullException(string message)
        : this(message, TimeSpan.FromSeconds(1))
    {
    }

    /// <summary>Initializes a new instance of the <see cref="BatchQueueFullException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public BatchQueueFullException(string message, Exception innerException)
        : base(message, innerException)
    {
        RetryAfter = TimeSpan.FromSeconds(1);
    }

    /// <summary>Initializes a new instance of the <see cref="BatchQueueFullException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="retryAfter">How long the queue needs to drain.</param>
    public BatchQueueFullException(string message, TimeSpan retryAfter)
        : base(message)
    {
        RetryAfter = retryAfter;
    }

    /// <summary>Gets an estimate of how long the queued work takes to drain.</summary>
    public TimeSpan RetryAfter { get; }
}
