using System.Text.Json.Nodes;

namespace Frugal.Engine;

/// <summary>The result of one call, with what it used.</summary>
/// <param name="Output">The call's output.</param>
/// <param name="Tier">The tier that answered: <c>deterministic</c>, <c>rules</c>, <c>cheap</c>, <c>premium</c>, <c>onnx</c>.</param>
/// <param name="Model">The model or deployment, when a model answered.</param>
/// <param name="InputTokens">Prompt tokens.</param>
/// <param name="OutputTokens">Completion tokens.</param>
/// <param name="DurationMs">How long the call took.</param>
/// <param name="Provider">Who served the call (<c>azure-openai</c>, <c>openai</c>, <c>frugal-inference</c>), when a model did.</param>
/// <param name="GpuSeconds">GPU (or inference-app) seconds the call used.</param>
public sealed record CallResult(
    JsonNode? Output,
    string Tier,
    string? Model = null,
    long InputTokens = 0,
    long OutputTokens = 0,
    double DurationMs = 0,
    string? Provider = null,
    double GpuSeconds = 0)
{
    /// <summary>Prompt tokens the provider served from its prompt cache (part of <see cref="InputTokens"/>, priced lower).</summary>
    public long CachedInputTokens { get; init; }

    /// <summary>Reasoning tokens (part of <see cref="OutputTokens"/>), as the provider reported them.</summary>
    public long ReasoningTokens { get; init; }

    /// <summary>
    /// The tiers of the attempts that timed out before another attempt answered: each may have been billed without
    /// Frugal seeing its usage, so each gets an unpriced cost record.
    /// </summary>
    public IReadOnlyList<string>? UnansweredAttempts { get; init; }

    /// <summary>
    /// Whether this stands for a call that got no answer (it failed): <see cref="Model"/> then names the deployment it was
    /// sent to, and its cost is unknown (or zero when the failure says nothing was billed), never priced from its usage.
    /// </summary>
    public bool Unanswered { get; init; }

    /// <summary>
    /// Whether the answer reported no token usage (an OpenAI-compatible endpoint may leave <c>usage</c> out): its cost is
    /// unknown, not zero. <see cref="InputTokens"/> and <see cref="OutputTokens"/> then hold the estimated prompt and the
    /// call's output cap, an upper bound; its cost record is unpriced, and budgets count it at its reservation's maximum.
    /// </summary>
    public bool UsageUnreported { get; init; }

    /// <summary>Whether a cheap answer failed validation and premium answered instead.</summary>
    public bool Escalated { get; init; }

    /// <summary>The cheap attempt an escalation replaced; it cost money too, so it gets its own cost record.</summary>
    public TierUsage? EscalatedFrom { get; init; }

    /// <summary>What happened on the way: attempts, retries, fallbacks, trimming, downgrades, validation failures.</summary>
    public JsonObject? Metadata { get; init; }

    /// <summary>Set when this call failed while others of its batch were answered (see <see cref="StepResponse.Failed"/>).</summary>
    public CallFailure? Failure { get; init; }
}
