namespace Frugal.Models;

/// <summary>
/// Where ONNX models run and what their time costs. Bound from <c>Frugal:Inference</c>. With an
/// <see cref="Endpoint"/>, <c>onnx</c> steps and embeddings go to Frugal's inference app; without one, hosts that
/// ship the ONNX models (the CLI) run them in process.
/// </summary>
public sealed class FrugalInferenceOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Frugal:Inference";

    /// <summary>Gets or sets the base address of the inference app, for example <c>https://frugal-inference.example.net/</c>.</summary>
    public Uri? Endpoint { get; set; }

    /// <summary>Gets or sets the API key sent as <c>api-key</c>; <see langword="null"/> for a loopback app that needs none.</summary>
    public string? ApiKey { get; set; }

    /// <summary>
    /// Gets or sets the GPU profile of the price table (<c>gpu_profiles</c>, for example <c>NC8as-T4</c>) that prices
    /// the seconds ONNX calls use. Without it those calls are recorded unpriced, never as free.
    /// </summary>
    public string? GpuProfile { get; set; }

    /// <summary>Gets or sets the embedding model semantic lookups use.</summary>
    public string EmbeddingModel { get; set; } = "all-MiniLM-L6-v2";

    /// <summary>
    /// Gets or sets whether learned routers embed prompts in this process (on its CPU, about 13 ms a decision, the
    /// model loaded once per instance) instead of through the inference app. Off by default: with an inference app
    /// every embedding goes through it, batched and priced in GPU seconds. Turn it on when classify steps are the app's
    /// only steady traffic: a serverless GPU replica is billed while it runs and for its cool-down after each request,
    /// so a classify step every few minutes keeps one running around the clock.
    /// </summary>
    public bool RoutersInProcess { get; set; }
}
