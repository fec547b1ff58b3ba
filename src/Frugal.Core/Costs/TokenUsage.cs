namespace Frugal.Costs;

/// <summary>Token counts of one model call, as providers report them.</summary>
/// <param name="InputTokens">All input tokens, cached ones included.</param>
/// <param name="CachedInputTokens">The part of <paramref name="InputTokens"/> served from the provider's prompt cache.</param>
/// <param name="OutputTokens">All output tokens, reasoning ones included.</param>
/// <param name="ReasoningTokens">The part of <paramref name="OutputTokens"/> spent on reasoning.</param>
public readonly record struct TokenUsage(long InputTokens, long CachedInputTokens, long OutputTokens, long ReasoningTokens);
