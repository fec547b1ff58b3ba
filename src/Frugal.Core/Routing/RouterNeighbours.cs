namespace Frugal.Routing;

/// <summary>The nearest-neighbour part of a router: stored training vectors and their gains.</summary>
/// <param name="File">The binary file beside <c>router.json</c> (see <see cref="NeighbourIndex"/>).</param>
/// <param name="Rows">How many vectors it holds.</param>
/// <param name="K">How many neighbours vote.</param>
/// <param name="Temperature">Similarity weighting: a neighbour weighs exp(cosine / temperature).</param>
public sealed record RouterNeighbours(string File, int Rows, int K, double Temperature);
