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
    JsonNode? OutputSchema = null) : StepCall
{
    /// <summary>For <see cref="ModelTier.Onnx"/>: the ONNX model to run.</summary>
    public string? Model { get; init; }

    /// <summary>What a valid answer is.</summary>
    public AnswerValidation? Validation { get; init; }

    /// <summary>Whether a cheap answer that fails validation is retried on premium.</summary>
    public bool Escalate { get; init; }

    /// <summary>How many escalations the run still allows.</summary>
    public int EscalationsLeft { get; init; }

    /// <summary>The most prompt tokens sent.</summary>
    public int? MaxInputTokens { get; init; }

    /// <summary>How a prompt over <see cref="MaxInputTokens"/> is cut.</summary>
    public TrimPolicy Trim { get; init; } = TrimPolicy.End;

    /// <summary>Whether the tier came from a classify step (an <c>auto</c> step); only those are subject to premium-share caps.</summary>
    public bool AutoRouted { get; init; }

    /// <summary>Whether the step keeps premium even over a premium-share cap.</summary>
    public bool PremiumOnly { get; init; }

    /// <summary>Why an <c>auto</c> step went to premium without a decision (its route step was skipped); null when it had one.</summary>
    public string? RouteFallback { get; init; }

    /// <summary>The workflow's premium-share cap, if any.</summary>
    public double? PremiumShareCap { get; init; }
}
