namespace Frugal.Engine;

/// <summary>A run's progress, kept as the orchestration's custom status (shown by <c>GET /api/runs/{id}</c>).</summary>
/// <param name="CompletedSteps">Steps finished or skipped.</param>
/// <param name="TotalSteps">Steps in the workflow.</param>
public sealed record RunProgress(int CompletedSteps, int TotalSteps);
