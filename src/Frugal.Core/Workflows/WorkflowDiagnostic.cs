namespace Frugal.Workflows;

/// <summary>One problem found in a workflow definition, printed as <c>file:line:column: message</c>.</summary>
/// <param name="Location">Where the problem is.</param>
/// <param name="Message">What was expected there.</param>
public sealed record WorkflowDiagnostic(SourceLocation Location, string Message)
{
    /// <inheritdoc />
    public override string ToString() => $"{Location}: {Message}";
}
