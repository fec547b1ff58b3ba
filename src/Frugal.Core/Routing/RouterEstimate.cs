namespace Frugal.Routing;

/// <summary>The parts of a router's estimate for one prompt.</summary>
/// <param name="Raw">The blended expected gain.</param>
/// <param name="PremiumCorrect">P(premium correct) from the logistic head.</param>
/// <param name="CheapCorrect">P(cheap correct) from the logistic head.</param>
/// <param name="NeighbourGain">The neighbours' weighted mean gain.</param>
/// <param name="Nearest">The cosine of the nearest training prompt.</param>
internal sealed record RouterEstimate(double Raw, double PremiumCorrect, double CheapCorrect, double NeighbourGain, double Nearest);
