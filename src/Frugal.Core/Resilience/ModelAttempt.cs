namespace Frugal.Resilience;

/// <summary>One HTTP attempt at a model call, as the step's metadata shows it.</summary>
/// <param name="Tier">The tier whose deployment was called (<c>cheap</c>, <c>premium</c>, <c>fallback</c>).</param>
/// <param name="Number">1 for the first try of that tier, then counting retries.</param>
/// <param name="Outcome"><c>ok</c>, <c>http-429</c>, <c>http-500</c>, <c>timeout</c>, <c>circuit-open</c>, <c>error</c>.</param>
/// <param name="RetryAfterMs">The wait before the next attempt (Retry-After when the service sent one), if any.</param>
public sealed record ModelAttempt(string Tier, int Number, string Outcome, double? RetryAfterMs = null);
