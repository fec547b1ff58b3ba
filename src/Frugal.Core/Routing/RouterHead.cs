namespace Frugal.Routing;

/// <summary>One logistic head of a router: the probability of <see cref="Target"/> from the scaled inputs.</summary>
/// <param name="Target">What it predicts: <c>premium_correct</c>, <c>cheap_correct</c> or <c>premium_helps</c>.</param>
/// <param name="Weights">One weight per input (embedding values, then hand features).</param>
/// <param name="Bias">The bias.</param>
public sealed record RouterHead(string Target, IReadOnlyList<double> Weights, double Bias)
{
    /// <summary>The probability that the premium tier answers correctly.</summary>
    public const string PremiumCorrect = "premium_correct";

    /// <summary>The probability that the cheap tier answers correctly.</summary>
    public const string CheapCorrect = "cheap_correct";
}
