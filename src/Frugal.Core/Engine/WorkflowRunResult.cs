using System.Text.Json.Nodes;

namespace Frugal.Engine;

/// <summary>The output of a workflow run and a summary of each step.</summary>
/// <param name="Output">The run's output.</param>
/// <param name="Steps">One summary per step, in the order the steps finished.</param>
public sealed record WorkflowRunResult(JsonNode? Output, IReadOnlyList<StepSummary> Steps);
