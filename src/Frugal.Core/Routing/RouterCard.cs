namespace Frugal.Routing;

/// <summary>The <c>card.json</c> of a router folder: what it was trained on and how well it did.</summary>
/// <param name="Name">The router's name.</param>
/// <param name="Kind">Its kind.</param>
/// <param name="Created">When it was trained.</param>
/// <param name="TrainingData">The training file.</param>
/// <param name="EmbeddingModel">The embedding model.</param>
/// <param name="Options">The training options.</param>
/// <param name="Holdout">Figures on a hold-out part of the data, measured by a router trained without it, if any.</param>
public sealed record RouterCard(
    string Name,
    string Kind,
    DateTimeOffset Created,
    RoutingDataIdentity TrainingData,
    EmbeddingModelIdentity EmbeddingModel,
    RouterTrainingOptions Options,
    RouterEvaluation? Holdout);
