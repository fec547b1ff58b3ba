using System.Globalization;
using Frugal.Routing;
using Spectre.Console;

namespace Frugal.Cli.Routing;

/// <summary>Writes a router evaluation as a readable table.</summary>
internal static class RouterFiguresTable
{
    public static void Write(RouterEvaluation evaluation, TextWriter output)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors });
        console.Profile.Width = 120;
        var table = new Table().Title($"Router '{evaluation.Router}' at {F(evaluation.Target)} x premium-only quality");
        foreach (var column in new[] { "rows", "source", "premium_share", "random_share", "quality", "cheap_only", "premium_only", "apgr" })
        {
            table.AddColumn(new TableColumn(column).RightAligned());
        }

        table.AddRow(Row(evaluation.Rows, "all", evaluation.PremiumShare, evaluation.RandomPremiumShare, evaluation.Quality,
            evaluation.CheapOnlyQuality, evaluation.PremiumOnlyQuality, evaluation.Apgr));
        foreach (var (source, f) in evaluation.BySource)
        {
            table.AddRow(Row(f.Rows, source, f.PremiumShare, f.RandomPremiumShare, f.Quality, f.CheapOnlyQuality, f.PremiumOnlyQuality, f.Apgr));
        }

        console.Write(table);
        if (evaluation.P50DecisionMs > 0 && evaluation.Router == Frugal.Classification.RulesComplexityClassifier.RouterName)
        {
            console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Decision latency: rules p50 {evaluation.RulesP50DecisionMs:F4} ms, p99 {evaluation.RulesP99DecisionMs:F4} ms."));
        }
        else if (evaluation.P50DecisionMs > 0)
        {
            console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Decision latency: learned p50 {evaluation.P50DecisionMs:F3} ms, p99 {evaluation.P99DecisionMs:F3} ms; rules p50 {evaluation.RulesP50DecisionMs:F4} ms, p99 {evaluation.RulesP99DecisionMs:F4} ms."));
        }
    }

    private static string[] Row(int rows, string source, params double[] values) =>
        [rows.ToString(CultureInfo.InvariantCulture), source, .. values.Select(F)];

    private static string F(double value) => value.ToString("F3", CultureInfo.InvariantCulture);
}
