namespace Frugal.Routing;

/// <summary>How well a router's scores route a labelled set at a quality target (RouteLLM's CPT and APGR).</summary>
/// <param name="Rows">The number of prompts.</param>
/// <param name="Target">The target, as a fraction of premium-only quality.</param>
/// <param name="PremiumShare">The smallest share of premium calls at which quality reaches <paramref name="Target"/>
/// x premium-only quality, sweeping the threshold (1 if it is never reached).</param>
/// <param name="Quality">The quality at <paramref name="PremiumShare"/>.</param>
/// <param name="CheapOnlyQuality">The mean cheap score.</param>
/// <param name="PremiumOnlyQuality">The mean premium score.</param>
/// <param name="Apgr">The average performance gap recovered over the sweep: 0 is cheap-only, 0.5 is random, 1 is a
/// router that recovers the whole gap with no premium calls.</param>
/// <param name="RandomPremiumShare">The share of premium calls random routing needs for the same target.</param>
public sealed record RoutingFigures(
    int Rows,
    double Target,
    double PremiumShare,
    double Quality,
    double CheapOnlyQuality,
    double PremiumOnlyQuality,
    double Apgr,
    double RandomPremiumShare);
