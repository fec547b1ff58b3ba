using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Frugal.Workflows;

namespace Frugal.Engine;

/// <summary>What one step did: how it ran, where, and what it used.</summary>
/// <param name="StepId">The step.</param>
/// <param name="Kind">The step's kind.</param>
/// <param name="Status"><c>completed</c> or <c>skipped</c>; <c>failed</c> for the step that failed a run (in its status only).</param>
/// <param name="Calls">Calls made (items, for a foreach); a failed step counts none: what its calls used is in the cost ledger.</param>
/// <param name="Attempts">Activity attempts, retries included.</param>
/// <param name="Tiers">The tiers that answered, with how many calls each.</param>
/// <param name="InputTokens">Prompt tokens, all calls together.</param>
/// <param name="OutputTokens">Completion tokens, all calls together.</param>
/// <param name="DurationMs">Activity time, all attempts together.</param>
/// <param name="Metadata">For a single call: its attempts, escalation, trimming and downgrades; for a foreach: how many
/// items were escalated, trimmed, downgraded or answered by the fallback deployment.</param>
/// <param name="Error">Why the step failed; only a failed step has one.</param>
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
    JsonNode? Metadata = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Error = null)
{
    /// <summary>The summary of a finished step (built once, when the run is over).</summary>
    internal static StepSummary From(StepDefinition step, StepOutcome outcome)
    {
        var tiers = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var result in outcome.Results)
        {
            tiers[result.Tier] = tiers.GetValueOrDefault(result.Tier) + 1;
        }

        return new StepSummary(
            step.Id,
            step.Kind,
            outcome.Status,
            outcome.Results.Count,
            outcome.Attempts,
            tiers,
            outcome.Results.Sum(r => r.InputTokens),
            outcome.Results.Sum(r => r.OutputTokens),
            outcome.DurationMs,
            MetadataOf(outcome.Results));
    }

    /// <summary>The summary of the step that failed a run: no calls answered, the attempts it made, and why.</summary>
    internal static StepSummary Failed(StepDefinition step, int attempts, string error) =>
        new(step.Id, step.Kind, "failed", 0, attempts, new Dictionary<string, int>(StringComparer.Ordinal), 0, 0, 0, Error: error);

    private static JsonNode? MetadataOf(IReadOnlyList<CallResult> results)
    {
        if (results.Count == 1)
        {
            return results[0].Metadata?.DeepClone();
        }

        var withMetadata = results.Where(r => r.Metadata is not null).ToList();
        return withMetadata.Count == 0 ? null : new JsonObject
        {
            ["escalated"] = results.Count(r => r.Escalated),
            ["trimmed"] = withMetadata.Count(r => r.Metadata!.ContainsKey("trimmed")),
            ["downgraded"] = withMetadata.Count(r => r.Metadata!.ContainsKey("downgraded")),
            ["invalid"] = withMetadata.Count(r => r.Metadata!["valid"]?.GetValue<bool>() == false),
        };
    }
}
