namespace Frugal.Routing;

/// <summary>One labelled prompt: how well the cheap and the premium tier answered it.</summary>
/// <param name="Id">The example's identifier.</param>
/// <param name="Source">Where the prompt came from (e.g. <c>mmlu/anatomy</c>, <c>gsm8k</c>); used only to report figures per source.</param>
/// <param name="Prompt">The prompt text.</param>
/// <param name="CheapScore">The cheap tier's score, 0 to 1 (1: correct).</param>
/// <param name="PremiumScore">The premium tier's score, 0 to 1.</param>
/// <param name="Line">The line of the file where the record starts (1-based; the header is line 1).</param>
public sealed record RoutingExample(string Id, string Source, string Prompt, double CheapScore, double PremiumScore, int Line = 0)
{
    /// <summary>Gets how much the premium tier gained over the cheap one (negative when it lost).</summary>
    public double Gain => PremiumScore - CheapScore;

    /// <summary>Gets the source's prefix before the first <c>/</c>: <c>mmlu</c> for <c>mmlu/anatomy</c>.</summary>
    public string SourcePrefix => Source.Split('/', 2)[0];
}
