using System.Text.Json.Nodes;
using Frugal.Expressions;

namespace Frugal.Workflows;

/// <summary>A validated workflow: its steps in file order, its input schema and its output.</summary>
public sealed record WorkflowDefinition
{
    /// <summary>The workflow's name (URL-safe).</summary>
    public required string Name { get; init; }

    /// <summary>What the workflow does.</summary>
    public string? Description { get; init; }

    /// <summary>The JSON Schema every run input must satisfy.</summary>
    public required JsonNode InputSchema { get; init; }

    /// <summary>The steps, in file order.</summary>
    public required IReadOnlyList<StepDefinition> Steps { get; init; }

    /// <summary>The run's output; when null the run outputs every step's output by id.</summary>
    public ValueTemplate? Output { get; init; }

    /// <summary>Most escalations (cheap answers retried on premium) in one run.</summary>
    public int MaxEscalations { get; init; } = 10;

    /// <summary>The share of <c>auto</c> model calls of this workflow that may go to premium; beyond it they go to cheap.</summary>
    public double? PremiumShareCap { get; init; }

    /// <summary>SHA-256 (hex, lower case) of the YAML source: the version a run is pinned to.</summary>
    public required string Hash { get; init; }

    /// <summary>The YAML source the definition was read from.</summary>
    public required string Source { get; init; }

    /// <summary>The file (or name) the definition came from, used in messages.</summary>
    public required string File { get; init; }
}
