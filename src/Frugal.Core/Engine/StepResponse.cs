namespace Frugal.Engine;

/// <summary>The output of the <c>ExecuteStep</c> activity: one result per call, in order.</summary>
/// <param name="Results">The results.</param>
public sealed record StepResponse(IReadOnlyList<CallResult> Results);
