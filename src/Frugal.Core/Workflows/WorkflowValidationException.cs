namespace Frugal.Workflows;

/// <summary>Thrown when a workflow definition is invalid; carries every problem found, each with its position.</summary>
public sealed class WorkflowValidationException : Exception
{
    /// <summary>Creates the exception from the problems found.</summary>
    public WorkflowValidationException(IReadOnlyList<WorkflowDiagnostic> diagnostics)
        : base(string.Join(Environment.NewLine, diagnostics))
    {
        Diagnostics = diagnostics;
    }

    /// <summary>Every problem found, in file order.</summary>
    public IReadOnlyList<WorkflowDiagnostic> Diagnostics { get; }
}
