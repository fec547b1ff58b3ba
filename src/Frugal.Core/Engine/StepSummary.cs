namespace Frugal.Engine;

/// <summary>What one step did: how it ran, where, and what it used.</summary>
/// <param name="StepId">The step.</param>
/// <param name="Kind">The step's kind.</param>
/// <param name="Status"><c>completed</c> or <c>skipped</c>.</param>
/// <param name="Calls">Calls made (items, for a foreach).</param>
/// <param name="Attempts">Activity attempts, retries included.</param>
/// <param name="Tiers">The tiers that answered, with how many calls each.</param>
/// <param name="InputTokens">Prompt tokens, all calls together.</param>
/// <param name="OutputTokens">Completion tokens, all calls together.</param>
/// <param name="DurationMs">Activity time, all attempts together.</param>
/// <param name="Metadata">For a single call: its attempts, escalation, trimming and downgrades; for a foreach: how many
/// items were escalated, trimmed, downgraded or answered by the fallback deployment.</param>
public sealed record StepSummary(
    string StepId,
    string Kind,
    string Status,
    int Calls,
    int Attempts,
    IReadOnlyDictionary<string, int> Tiers,
    long InputTokens,
    long OutputTokens,
    double DurationMs,
    System.Text.Json.Nodes.JsonNode? Metadata = null);
