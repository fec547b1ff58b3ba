namespace Frugal.Engine;

/// <summary>What one model attempt used.</summary>
/// <param name="Tier">The tier that answered.</param>
/// <param name="Model">The model or deployment.</param>
/// <param name="Provider">Who served it.</param>
/// <param name="InputTokens">Prompt tokens.</param>
/// <param name="OutputTokens">Completion tokens.</param>
/// <param name="DurationMs">How long it took.</param>
/// <param name="CachedInputTokens">Prompt tokens served from the provider's prompt cache.</param>
/// <param name="ReasoningTokens">Reasoning tokens among the output tokens.</param>
public sealed record TierUsage(string Tier, string? Model, string? Provider, long InputTokens, long OutputTokens, double DurationMs, long CachedInputTokens = 0, long ReasoningTokens = 0)
{
    /// <summary>
    /// Whether the answer reported no token usage (<see cref="CallResult.UsageUnreported"/>): the tokens are then an upper
    /// bound, and its record is unpriced.
    /// </summary>
    public bool UsageUnreported { get; init; }
}
