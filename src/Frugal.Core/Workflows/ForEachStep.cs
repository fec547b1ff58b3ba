using Frugal.Expressions;

namespace Frugal.Workflows;

/// <summary>Fans a step out over a list, in batches, with at most <see cref="Parallelism"/> batches in flight.</summary>
public sealed record ForEachStep : StepDefinition
{
    /// <inheritdoc />
    public override string Kind => "foreach";

    /// <summary>An expression that yields the list.</summary>
    public required ValueTemplate Items { get; init; }

    /// <summary>Items per activity call.</summary>
    public int BatchSize { get; init; } = 1;

    /// <summary>Most batches in flight at once.</summary>
    public int Parallelism { get; init; } = 8;

    /// <summary>The step run for each item; it sees <c>item</c> and <c>index</c>.</summary>
    public required StepDefinition Body { get; init; }
}
