using System.ComponentModel.DataAnnotations;

namespace Frugal.Inference.Hosting;

/// <summary>The HTTP side of the inference app. Bound from the <c>Inference</c> section.</summary>
public sealed class InferenceOptions
{
    public const string SectionName = "Inference";

    /// <summary>Gets or sets the key callers send as <c>api-key</c> or <c>Authorization: Bearer</c>.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Gets or sets a value indicating whether loopback callers need no key (local development only).</summary>
    public bool AllowAnonymousLoopback { get; set; }

    /// <summary>
    /// Gets or sets the most texts one request may carry; at most the batch queue's capacity
    /// (<c>Onnx:Batching:QueueCapacity</c>). A request is queued whole, so one of the queue's size filled it and every
    /// other caller was refused 429 until it had run: the default is an eighth of the default queue.
    /// </summary>
    [Range(1, 100_000, ErrorMessage = "Inference:MaxInputs must be between 1 and 100000")]
    public int MaxInputs { get; set; } = 256;

    /// <summary>Gets or sets what happens to a text over the model's token limit.</summary>
    public OverLimitPolicy OverLimit { get; set; } = OverLimitPolicy.Truncate;

    /// <summary>Gets or sets the model used when a request names none.</summary>
    [Required(ErrorMessage = "Inference:DefaultModel must name a model")]
    public string DefaultModel { get; set; } = "all-MiniLM-L6-v2";
}
