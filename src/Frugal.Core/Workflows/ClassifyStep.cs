using Frugal.Expressions;

namespace Frugal.Workflows;

/// <summary>Classifies the complexity of a text and picks the cheapest tier expected to meet quality.</summary>
public sealed record ClassifyStep : StepDefinition
{
    /// <inheritdoc />
    public override string Kind => "classify";

    /// <summary>The text to classify.</summary>
    public required ValueTemplate Input { get; init; }

    /// <summary>The router that decides: <c>rules</c> (transparent rules) or a learned router's name.</summary>
    public string Router { get; init; } = "rules";

    /// <summary>Where <see cref="Router"/> is written, when it is (a router the host lacks is reported there).</summary>
    public SourceLocation? RouterLocation { get; init; }

    /// <summary>Complexity score at or above which the premium tier is chosen (0-1).</summary>
    public double PremiumThreshold { get; init; } = 0.35;
}
