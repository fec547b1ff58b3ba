namespace Frugal.Costs;

/// <summary>A model's list prices in US dollars per million tokens.</summary>
/// <param name="Input">Uncached input tokens.</param>
/// <param name="CachedInput">Input tokens served from the provider's prompt cache.</param>
/// <param name="Output">Output tokens.</param>
/// <param name="Reasoning">Reasoning tokens, when the provider prices them apart; otherwise they cost <paramref name="Output"/>.</param>
public sealed record ModelPrice(decimal Input, decimal CachedInput, decimal Output, decimal? Reasoning = null);
