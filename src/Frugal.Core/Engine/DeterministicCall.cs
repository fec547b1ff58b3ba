using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Frugal.Workflows;

namespace Frugal.Engine;

/// <summary>A deterministic operation on an already rendered input.</summary>
/// <param name="Operation">Template, regex or lookup.</param>
/// <param name="Input">The rendered input (for a template, the rendered result).</param>
/// <param name="Pattern">The regex, for <see cref="DeterministicOperation.Regex"/>.</param>
/// <param name="Table">The lookup table.</param>
/// <param name="Default">The output when nothing matches.</param>
public sealed record DeterministicCall(
    DeterministicOperation Operation,
    JsonNode? Input,
    string? Pattern = null,
    IReadOnlyDictionary<string, JsonNode?>? Table = null,
    JsonNode? Default = null) : StepCall
{
    /// <summary>How a lookup matches.</summary>
    public LookupMatch Match { get; init; } = LookupMatch.Normalized;

    /// <summary>For a semantic lookup: the lowest similarity that counts as a match.</summary>
    /// <remarks>
    /// Always written: step messages leave default values out (<see cref="FrugalDataConverter"/>), and a 0 left out
    /// would come back as 0.8.
    /// </remarks>
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public double MinSimilarity { get; init; } = 0.8;
}
