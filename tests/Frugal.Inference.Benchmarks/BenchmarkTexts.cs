namespace Frugal.Inference.Benchmarks;

/// <summary>Sentences of about 32 word pieces each ([CLS] and [SEP] included), varied so no cache could help.</summary>
internal static class BenchmarkTexts
{
    private static readonly string[] Subjects =
    [
        "The quarterly finance report", "Our customer support team", "The new billing service", "A small startup in Lisbon",
        "The data engineering group", "The mobile application release", "An unexpected outage last night", "The security audit",
    ];

    private static readonly string[] Middles =
    [
        "found that invoices were processed twice when the payment provider timed out during peak hours",
        "asked whether the embedding model could classify support tickets by urgency and product area",
        "reduced the monthly cloud bill by moving batch jobs to cheaper spot instances overnight",
        "needs a clear summary of the incident, the root cause and the follow-up actions for each team",
    ];

    private static readonly string[] Endings = [
        "before Friday, says the team lead.", "for the board meeting in March.", "as soon as possible, please.", "during the next sprint planning.",
    ];

    /// <summary>Gets 128 distinct sentences.</summary>
    public static IReadOnlyList<string> All { get; } =
        [.. from s in Subjects from m in Middles from e in Endings select $"{s} {m} {e}"];
}
