using System.ComponentModel.DataAnnotations;

namespace Frugal.Onnx.Batching;

/// <summary>How requests are queued and run together. Bound from the <c>Onnx:Batching</c> section.</summary>
public sealed class BatchingOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Onnx:Batching";

    /// <summary>Gets or sets a value indicating whether texts of different requests share a model run.
    /// When false every text runs alone (a batch of one).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Gets or sets the most texts in one model run.</summary>
    [Range(1, 4096, ErrorMessage = "Onnx:Batching:MaxBatchSize must be between 1 and 4096")]
    public int MaxBatchSize { get; set; } = 32;

    /// <summary>Gets or sets the most padded tokens (texts × longest text) in one model run.</summary>
    [Range(1, 1_048_576, ErrorMessage = "Onnx:Batching:MaxBatchTokens must be between 1 and 1048576")]
    public int MaxBatchTokens { get; set; } = 16_384;

    /// <summary>Gets or sets how long the oldest queued text may wait for others to fill its batch.</summary>
    [Range(0, 1000, ErrorMessage = "Onnx:Batching:MaxWaitMilliseconds must be between 0 and 1000")]
    public double MaxWaitMilliseconds { get; set; } = 4;

    /// <summary>Gets or sets the most texts waiting; a request that does not fit is refused (HTTP 429).</summary>
    [Range(1, 1_000_000, ErrorMessage = "Onnx:Batching:QueueCapacity must be between 1 and 1000000")]
    public int QueueCapacity { get; set; } = 2048;

    /// <summary>Gets or sets how many batches run at once. One suits a GPU or a small CPU; ONNX Runtime already uses
    /// every core within a run.</summary>
    [Range(1, 64, ErrorMessage = "Onnx:Batching:Workers must be between 1 and 64")]
    public int Workers { get; set; } = 1;
}
