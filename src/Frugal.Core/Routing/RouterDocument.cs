namespace Frugal.Routing;

/// <summary>
/// The <c>router.json</c> file of a router folder. The raw score is the expected gain of premium over cheap:
/// <see cref="LogisticWeight"/> x (P(premium correct) - P(cheap correct)) from the logistic heads, plus
/// <see cref="NeighbourWeight"/> x the similarity-weighted mean gain of the nearest training prompts. The score a
/// classify step sees is the raw score's percentile among the training prompts (<see cref="Quantiles"/>), so a
/// <c>premium_threshold</c> of 0.7 sends about the top 30% of traffic like the training data's to premium.
/// </summary>
public sealed record RouterDocument
{
    /// <summary>The file format version this code reads.</summary>
    public const int CurrentFormat = 1;

    /// <summary>Gets the file format version.</summary>
    public int Format { get; init; } = CurrentFormat;

    /// <summary>Gets the router's name (what <c>router:</c> in a classify step names).</summary>
    public required string Name { get; init; }

    /// <summary>Gets the kind of model: <c>logistic</c>, <c>knn</c> or <c>ensemble</c>.</summary>
    public required string Kind { get; init; }

    /// <summary>Gets when it was trained.</summary>
    public DateTimeOffset Created { get; init; }

    /// <summary>Gets the embedding model it was trained with.</summary>
    public required EmbeddingModelIdentity EmbeddingModel { get; init; }

    /// <summary>Gets how input rows are built and scaled.</summary>
    public required RouterInputs Inputs { get; init; }

    /// <summary>Gets the logistic heads (<c>premium_correct</c> and <c>cheap_correct</c>), empty for <c>knn</c>.</summary>
    public IReadOnlyList<RouterHead> Heads { get; init; } = [];

    /// <summary>Gets the nearest-neighbour part, absent for <c>logistic</c>.</summary>
    public RouterNeighbours? Neighbours { get; init; }

    /// <summary>Gets the weight of the logistic estimate in the raw score.</summary>
    public double LogisticWeight { get; init; }

    /// <summary>Gets the weight of the neighbour estimate in the raw score.</summary>
    public double NeighbourWeight { get; init; }

    /// <summary>Gets 101 raw scores: the 0th, 1st, ... 100th percentile over the training prompts.</summary>
    public IReadOnlyList<double> Quantiles { get; init; } = [];
}
