using System.Globalization;
using Frugal.Costs.Reports;
using Spectre.Console;

namespace Frugal.Cli.Costs;

/// <summary>Renders a cost report as a console table with Spectre.Console.</summary>
internal static class CostReportTable
{
    public static void Write(CostReportResult report, TextWriter output)
    {
        var console = CliConsole.For(output);

        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn(report.By.ToString().ToLowerInvariant())
            .AddColumns("runs", "calls", "tokens in", "tokens out", "dollars", "escalations", "saved", "cache hits", "GPU s", "p50 ms", "p95 ms");
        foreach (var column in table.Columns.Skip(1))
        {
            column.RightAligned();
        }

        // The dollars and saved columns add up to the totals under them (MoneyColumn); the escalations' dollars have no total.
        var dollars = MoneyColumn.ForReport([.. report.Groups.Select(g => g.Dollars)]);
        var saved = MoneyColumn.ForReport([.. report.Groups.Select(g => g.SavedDollars)]);
        for (int i = 0; i < report.Groups.Count; i++)
        {
            var g = report.Groups[i];
            table.AddRow(
                Markup.Escape(g.Key),
                (g.RunsExact ? "" : "~") + g.Runs.ToString("N0", CultureInfo.InvariantCulture),
                g.Calls.ToString("N0", CultureInfo.InvariantCulture),
                TokenText.Input(g),
                g.OutputTokens.ToString("N0", CultureInfo.InvariantCulture),
                dollars.Format(dollars[i]) + (g.UnpricedCalls > 0 ? $" (+{g.UnpricedCalls} unpriced)" : ""),
                g.Escalations == 0 ? "0" : $"{g.Escalations.ToString("N0", CultureInfo.InvariantCulture)} ({MoneyText.Format(g.EscalatedDollars)})",
                saved.Format(saved[i]),
                g.CacheHitRate.ToString("P1", CultureInfo.InvariantCulture),
                g.GpuSeconds.ToString("#,0.##", CultureInfo.InvariantCulture),
                g.LatencyP50Ms.ToString("#,0.##", CultureInfo.InvariantCulture),
                g.LatencyP95Ms.ToString("#,0.##", CultureInfo.InvariantCulture));
        }

        table.Caption($"{report.Records:N0} records, {dollars.Format(dollars.Total)} spent, {saved.Format(saved.Total)} saved, {report.UnpricedCalls:N0} unpriced call{(report.UnpricedCalls == 1 ? string.Empty : "s")}");
        console.Write(table);
        if (report.UnfinishedCalls > 0)
        {
            // Not in the table's dollars: each was sent and never recorded an end (the process died mid-call, or it is
            // in flight now), so whether, and how much, it was billed is unknown; its bound is what it can have cost.
            output.WriteLine(Unfinished(report));
        }
    }

    /// <summary>The line saying what the unfinished calls can have cost, by group.</summary>
    internal static string Unfinished(CostReportResult report)
    {
        var groups = string.Join(", ", report.Groups.Where(g => g.UnfinishedCalls > 0)
            .Select(g => $"{g.Key}: {g.UnfinishedCalls.ToString("N0", CultureInfo.InvariantCulture)} (up to {MoneyText.Format(g.UnfinishedMaxDollars)})"));
        var unpriced = report.UnfinishedUnpricedCalls > 0 ? $", {report.UnfinishedUnpricedCalls.ToString("N0", CultureInfo.InvariantCulture)} of them with no price for their model (bound unknown)" : "";
        return $"{report.UnfinishedCalls.ToString("N0", CultureInfo.InvariantCulture)} unfinished call(s), outcome unknown, not in the spend above: up to {MoneyText.Format(report.UnfinishedMaxDollars)} more{unpriced} ({groups})";
    }
}
