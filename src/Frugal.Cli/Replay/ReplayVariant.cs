namespace Frugal.Cli.Replay;

/// <summary>What one variant of a replay did: how many runs, how many went premium, how many were right, what it cost.</summary>
/// <param name="Name">The variant: <c>auto</c>, <c>cheap-only</c>, <c>premium-only</c>.</param>
/// <param name="Runs">Runs that completed.</param>
/// <param name="Failed">Runs that failed.</param>
/// <param name="PremiumCalls">Calls of the auto steps answered by premium.</param>
/// <param name="Correct">Answers the emulator marked correct.</param>
/// <param name="Dollars">Recorded cost.</param>
/// <param name="Seconds">Wall time of the variant.</param>
internal sealed record ReplayVariant(string Name, int Runs, int Failed, int PremiumCalls, int Correct, decimal Dollars, double Seconds)
{
    /// <summary>Completed runs whose output carries no answer the emulator marked, counted as wrong.</summary>
    public int Unmarked { get; init; }

    /// <summary>
    /// The share of the variant's prompts answered correctly: a failed run gave its user no answer, so it counts as a
    /// wrong one. Left out, a router whose premium calls failed read as good as premium-only on the runs that were left.
    /// </summary>
    public double Quality => Runs + Failed == 0 ? 0 : Correct / (double)(Runs + Failed);

    /// <summary>
    /// Calls priced at $0 because their cost is unknown (a model missing from the price table, a call that got no
    /// answer): <see cref="Dollars"/> leaves them out, so it is a lower bound when there are any.
    /// </summary>
    public int UnpricedCalls { get; init; }

    /// <summary>Calls of the workflow's auto steps (each answered by cheap or premium): the premium share's base.</summary>
    public int RoutedCalls { get; init; }

    public double PremiumShare => RoutedCalls == 0 ? 0 : PremiumCalls / (double)RoutedCalls;
}
