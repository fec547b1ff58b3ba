namespace Frugal.Emulator;

/// <summary>
/// How one emulated deployment behaves: its latency and the faults it injects.
/// Fault rates are probabilities in [0, 1] whose sum is at most 1; each request draws one fault at most.
/// </summary>
public sealed class DeploymentOptions
{
    /// <summary>A copy of these options, for a listed deployment to start from (<see cref="EmulatorOptions.InheritDefaults"/>).</summary>
    internal DeploymentOptions Copy() => (DeploymentOptions)MemberwiseClone();

    /// <summary>
    /// The model this deployment serves, named in every answer's <c>model</c> as Azure OpenAI names it
    /// (<c>gpt-4o-mini-2024-07-18</c>, whatever the deployment is called); <see langword="null"/> answers with the
    /// deployment's name. Frugal prices a call by the model its answer names, so a deployment named otherwise
    /// (<c>chat-cheap</c>) needs this to be priced as it would be on Azure.
    /// </summary>
    public string? Model { get; set; }

    /// <summary>Fixed latency added to every answer, in milliseconds.</summary>
    public int LatencyMs { get; set; }

    /// <summary>Upper bound of a uniformly drawn extra latency, in milliseconds.</summary>
    public int JitterMs { get; set; }

    /// <summary>Latency per output token, in milliseconds (models generate token by token).</summary>
    public double PerOutputTokenMs { get; set; }

    /// <summary>Rate of <c>429 Too Many Requests</c> answers.</summary>
    public double RateLimitRate { get; set; }

    /// <summary>The <c>Retry-After</c> header, in seconds, sent with an injected 429.</summary>
    public int RetryAfterSeconds { get; set; } = 1;

    /// <summary>Rate of <c>500 Internal Server Error</c> answers.</summary>
    public double ServerErrorRate { get; set; }

    /// <summary>Rate of <c>503 Service Unavailable</c> answers.</summary>
    public double ServiceUnavailableRate { get; set; }

    /// <summary>Rate of requests held for <see cref="TimeoutMs"/> and then answered <c>504 Gateway Timeout</c>.</summary>
    public double TimeoutRate { get; set; }

    /// <summary>How long an injected timeout holds the request, in milliseconds.</summary>
    public int TimeoutMs { get; set; } = 120_000;

    /// <summary>
    /// Rate of chat requests whose prompt trips the content filter: answered, as Azure OpenAI answers them,
    /// <c>400</c> with error code <c>content_filter</c> (inner error <c>ResponsibleAIPolicyViolation</c>). Embedding requests are not filtered.
    /// </summary>
    public double PromptFilterRate { get; set; }

    /// <summary>
    /// Rate of chat requests whose completion trips the content filter: answered <c>200</c> with
    /// <c>finish_reason: content_filter</c> and no content, the generated tokens still counted in <c>usage</c>, as Azure OpenAI bills them.
    /// </summary>
    public double CompletionFilterRate { get; set; }

    /// <summary>
    /// The most completion tokens a request may ask for (<c>max_tokens</c> or <c>max_completion_tokens</c>); above it the
    /// request is refused with the service's 400 "max_tokens is too large", and an answer to a request that sets neither is
    /// cut here (<c>finish_reason: length</c>), as the service stops it. 16384 by default, the limit of gpt-4o and
    /// gpt-4o-mini; a deployment of another model takes its own (32768 for gpt-4.1, 100000 for o3 and o4-mini).
    /// </summary>
    public int MaxOutputTokens { get; set; } = 16_384;

    /// <summary>
    /// The model's context window in tokens: a chat request whose messages count more is refused with the service's 400
    /// <c>context_length_exceeded</c> ("This model's maximum context length is ..."), unbilled, as Azure OpenAI refuses
    /// it. 128000 by default, the window of gpt-4o and gpt-4o-mini; a deployment of another model takes its own
    /// (1047576 for gpt-4.1, 200000 for o3 and o4-mini). It was not checked: a prompt of 590,000 tokens was answered
    /// and billed, so a workflow that sends whole documents passed on the emulator and failed on Azure.
    /// </summary>
    public int ContextTokens { get; set; } = 128_000;

    /// <summary>Dimension of this deployment's embeddings; <see langword="null"/> takes the emulator's default.</summary>
    public int? EmbeddingDimensions { get; set; }

    /// <summary>
    /// Which labelled score judges this deployment's answers when <see cref="EmulatorOptions.QualityData"/> is set:
    /// <c>cheap</c> or <c>premium</c> (see <see cref="Quality.QualityTiers"/>); <see langword="null"/> leaves answers unmarked.
    /// </summary>
    public string? QualityTier { get; set; }
}
