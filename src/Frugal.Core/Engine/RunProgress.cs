namespace Frugal.Engine;

/// <summary>A run's progress, kept as the orchestration's custom status (shown by <c>GET /api/runs/{id}</c>).</summary>
/// <param name="CompletedSteps">Steps finished or skipped.</param>
/// <param name="TotalSteps">Steps in the workflow.</param>
/// <param name="Steps">
/// Set only when the run failed (a failed run has no <see cref="WorkflowRunResult"/>): a summary of each step that
/// finished, in the order they finished, then of the step that failed, if the failure was one step's. Within Durable
/// Functions' 16 KB custom status: summaries that would not fit lose their metadata, and then the earliest are left out
/// (<see cref="CompletedSteps"/> still counts them).
/// </param>
public sealed record RunProgress(int CompletedSteps, int TotalSteps, IReadOnlyList<StepSummary>? Steps = null);
