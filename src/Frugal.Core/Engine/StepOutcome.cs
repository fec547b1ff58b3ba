using System.Text.Json.Nodes;

namespace Frugal.Engine;

/// <summary>How a step ended, inside a run. <see cref="Output"/> is owned by the outcome: results no longer hold it.</summary>
/// <param name="Output">The step's output (a foreach: the list of its items' outputs).</param>
/// <param name="Status"><c>completed</c> or <c>skipped</c>.</param>
/// <param name="Attempts">Activity attempts, retries included.</param>
/// <param name="DurationMs">Activity time, all calls together.</param>
/// <param name="Results">Each call's result, without its output.</param>
internal sealed record StepOutcome(
    JsonNode? Output, string Status, int Attempts, double DurationMs, IReadOnlyList<CallResult> Results);
