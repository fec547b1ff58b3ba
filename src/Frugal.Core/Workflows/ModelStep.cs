using System.Text.Json.Nodes;
using Frugal.Expressions;

namespace Frugal.Workflows;

/// <summary>A step answered by a model of the given tier.</summary>
public sealed record ModelStep : StepDefinition
{
    /// <inheritdoc />
    public override string Kind => "model";

    /// <summary>The tier; <see cref="ModelTier.Auto"/> takes the tier from the <see cref="Route"/> classify step.</summary>
    public ModelTier Tier { get; init; } = ModelTier.Cheap;

    /// <summary>The classify step whose decision an <c>auto</c> step follows.</summary>
    public string? Route { get; init; }

    /// <summary>The system prompt.</summary>
    public ValueTemplate? System { get; init; }

    /// <summary>The user prompt.</summary>
    public required ValueTemplate Prompt { get; init; }

    /// <summary>The most output tokens the model may produce.</summary>
    public int? MaxOutputTokens { get; init; }

    /// <summary>Sampling temperature.</summary>
    public float? Temperature { get; init; }

    /// <summary>A JSON Schema the answer must follow; when set the answer is parsed as JSON.</summary>
    public JsonNode? OutputSchema { get; init; }

    /// <summary>For <see cref="ModelTier.Onnx"/>: the ONNX model (a classifier) to run.</summary>
    public string? Model { get; init; }

    /// <summary>What a valid answer is, beyond <see cref="OutputSchema"/>.</summary>
    public AnswerValidation? Validation { get; init; }

    /// <summary>Whether a cheap answer that fails validation is retried once on premium (default: yes, when there is anything to validate).</summary>
    public bool? Escalate { get; init; }

    /// <summary>Whether a call of this step can escalate: it escalates (<see cref="Escalate"/>) and can answer on cheap.</summary>
    public bool MayEscalate => (Escalate ?? (Validation is not null || OutputSchema is not null)) && Tier is ModelTier.Cheap or ModelTier.Auto;

    /// <summary>The most prompt tokens sent; a longer prompt is cut by <see cref="Trim"/>.</summary>
    public int? MaxInputTokens { get; init; }

    /// <summary>How a prompt over <see cref="MaxInputTokens"/> is cut.</summary>
    public TrimPolicy Trim { get; init; } = TrimPolicy.End;

    /// <summary>An <c>auto</c> step marked premium-only keeps premium even when a premium-share cap is reached.</summary>
    public bool PremiumOnly { get; init; }
}
