namespace Frugal.Engine;

/// <summary>Classify the complexity of <paramref name="Text"/> with a router.</summary>
/// <param name="Text">The text to classify.</param>
/// <param name="Router">The router's name (<c>rules</c> for the transparent rules).</param>
/// <param name="PremiumThreshold">Score at or above which premium is chosen.</param>
public sealed record ClassifyCall(string Text, string Router, double PremiumThreshold) : StepCall;
