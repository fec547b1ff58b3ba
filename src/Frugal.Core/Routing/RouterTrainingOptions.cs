namespace Frugal.Routing;

/// <summary>How a router is trained. The defaults are the ones measured best on the shared training data
/// (see docs/routing.md).</summary>
public sealed record RouterTrainingOptions
{
    /// <summary>The router kinds.</summary>
    public static readonly IReadOnlyList<string> Kinds = ["logistic", "knn", "ensemble"];

    /// <summary>Gets the router's name.</summary>
    public string Name { get; init; } = "default";

    /// <summary>Gets the kind: <c>logistic</c>, <c>knn</c> or <c>ensemble</c>.</summary>
    public string Kind { get; init; } = "ensemble";

    /// <summary>Gets the L2 penalty of the logistic heads.</summary>
    public double L2 { get; init; } = 0.1;

    /// <summary>Gets the Adam steps of the logistic fit.</summary>
    public int Iterations { get; init; } = 300;

    /// <summary>Gets how many neighbours vote.</summary>
    public int K { get; init; } = 64;

    /// <summary>Gets the similarity temperature of the neighbour vote.</summary>
    public double Temperature { get; init; } = 0.05;

    /// <summary>Gets the weight of the neighbour vote in an ensemble (the logistic estimate gets 1 minus it).</summary>
    public double NeighbourWeight { get; init; } = 0.2;
}
