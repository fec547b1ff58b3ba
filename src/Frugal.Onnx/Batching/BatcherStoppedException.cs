namespace Frugal.Onnx.Batching;

/// <summary>
/// Thrown for texts that reach an <see cref="EmbeddingBatcher"/> being disposed (the process is shutting down), and for
/// texts it had queued but not yet run: nothing ran, so the caller should retry after <see cref="RetryAfter"/>,
/// elsewhere or once the process is back.
/// </summary>
public sealed class BatcherStoppedException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="BatcherStoppedException"/> class.</summary>
    public BatcherStoppedException()
        : this("The batcher is stopping.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="BatcherStoppedException"/> class.</summary>
    /// <param name="message">The message.</param>
    public BatcherStoppedException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="BatcherStoppedException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public BatcherStoppedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Gets how long a caller should wait before trying again: a stopping replica is replaced within seconds.</summary>
    public TimeSpan RetryAfter { get; } = TimeSpan.FromSeconds(5);
}
