using Frugal.Workflows;

namespace Frugal.Engine;

/// <summary>A run input that does not satisfy its workflow's input schema; lists every violation.</summary>
public sealed class WorkflowInputException : Exception, Frugal.Telemetry.IRedactableFailure
{
    /// <summary>Creates the exception.</summary>
    public WorkflowInputException(string workflow, IReadOnlyList<InputViolation> violations)
        : base($"input does not match the input schema of '{workflow}': " +
               string.Join("; ", violations.Select(v => $"{(v.Pointer.Length == 0 ? "/" : v.Pointer)}: {v.Message}")))
    {
        Workflow = workflow;
        Violations = violations;

        // A violation quotes the value it found (the start of a text), which is the tenant's input.
        RedactedMessage = $"input does not match the input schema of '{workflow}' at " +
            string.Join(", ", violations.Select(v => v.Pointer.Length == 0 ? "/" : v.Pointer).Distinct(StringComparer.Ordinal));
    }

    /// <summary>Where the input breaks the schema, without the values found there (the tenant's input).</summary>
    public string RedactedMessage { get; }

    /// <summary>The workflow.</summary>
    public string Workflow { get; }

    /// <summary>Every violation.</summary>
    public IReadOnlyList<InputViolation> Violations { get; }
}
