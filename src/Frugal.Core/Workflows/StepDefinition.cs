using Frugal.Expressions;

namespace Frugal.Workflows;

/// <summary>One step of a workflow. Every step runs as one durable activity (a <c>foreach</c>, as one per batch).</summary>
public abstract record StepDefinition
{
    /// <summary>The step's id, unique in its workflow; later steps refer to its output as <c>steps.&lt;id&gt;</c>.</summary>
    public required string Id { get; init; }

    /// <summary>Where the step is defined.</summary>
    public required SourceLocation Location { get; init; }

    /// <summary>The step's kind as written in YAML (<c>classify</c>, <c>deterministic</c>, <c>model</c>, <c>foreach</c>).</summary>
    public abstract string Kind { get; }

    /// <summary>A condition; when it is false the step is skipped and its output is null.</summary>
    public Expression? When { get; init; }

    /// <summary>Steps that must finish first: those named in <c>needs</c> plus those its expressions refer to.</summary>
    public IReadOnlyList<string> DependsOn { get; init; } = [];
}
