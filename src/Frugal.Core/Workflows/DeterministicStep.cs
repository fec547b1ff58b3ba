using System.Text.Json.Nodes;
using Frugal.Expressions;

namespace Frugal.Workflows;

/// <summary>A step answered without any model: a template, a regex extraction or a lookup table.</summary>
public sealed record DeterministicStep : StepDefinition
{
    /// <inheritdoc />
    public override string Kind => "deterministic";

    /// <summary>Which operation runs.</summary>
    public required DeterministicOperation Operation { get; init; }

    /// <summary>The text the operation works on (the template itself for <see cref="DeterministicOperation.Template"/>).</summary>
    public required ValueTemplate Input { get; init; }

    /// <summary>The pattern, for <see cref="DeterministicOperation.Regex"/>.</summary>
    public string? Pattern { get; init; }

    /// <summary>The table, for <see cref="DeterministicOperation.Lookup"/>; keys are normalised (case, spacing, punctuation).</summary>
    public IReadOnlyDictionary<string, JsonNode?>? Table { get; init; }

    /// <summary>
    /// The table's values as templates, when any of them holds an expression (<c>${ }</c>): each call evaluates them
    /// against the run, so the value found is output with its expressions' values. Null when every value is plain.
    /// </summary>
    public IReadOnlyDictionary<string, ValueTemplate>? TableTemplates { get; init; }

    /// <summary>The output when a lookup or a regex finds nothing, as written.</summary>
    public JsonNode? Default { get; init; }

    /// <summary><see cref="Default"/> as a template: its strings may hold <c>${ }</c> expressions, evaluated per call.</summary>
    public ValueTemplate? DefaultTemplate { get; init; }

    /// <summary>How a lookup matches its input against the table's keys.</summary>
    public LookupMatch Match { get; init; } = LookupMatch.Normalized;

    /// <summary>For a semantic lookup: the lowest cosine similarity between input and key that counts as a match.</summary>
    public double MinSimilarity { get; init; } = 0.8;
}
