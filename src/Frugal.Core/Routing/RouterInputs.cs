namespace Frugal.Routing;

/// <summary>How a router builds its input row: the embedding, then <see cref="PromptFeatures"/>, each value
/// standardised with <see cref="Mean"/> and <see cref="Scale"/>.</summary>
/// <param name="Features">The hand features' names (must match <see cref="PromptFeatures.Names"/>).</param>
/// <param name="Mean">The mean of each input over the training data.</param>
/// <param name="Scale">The standard deviation of each input (1 where it was 0).</param>
public sealed record RouterInputs(IReadOnlyList<string> Features, IReadOnlyList<double> Mean, IReadOnlyList<double> Scale);
