using System.Text.Json.Nodes;
using Frugal.Workflows;

namespace Frugal.Engine;

/// <summary>A model call with its prompts rendered and its tier resolved.</summary>
/// <param name="Tier">The tier that answers (never <see cref="ModelTier.Auto"/> here).</param>
/// <param name="Prompt">The user prompt.</param>
/// <param name="System">The system prompt.</param>
/// <param name="MaxOutputTokens">Most output tokens.</param>
/// <param name="Temperature">Sampling temperature.</param>
/// <param name="OutputSchema">A JSON Schema the answer follows; the answer is then parsed as JSON.</param>
public sealed record ModelCall(
    ModelTier Tier,
    string Prompt,
    string? System = null,
    int? MaxOutputTokens = null,
    float? Temperature = null,
    JsonNode? OutputSchema = null) : StepCall;
