namespace Frugal.Expressions;

/// <summary>A <c>steps.&lt;id&gt;</c> reference inside an expression.</summary>
/// <param name="StepId">The step referred to.</param>
/// <param name="Offset">0-based offset of the reference in the parsed text.</param>
public readonly record struct StepReference(string StepId, int Offset);
