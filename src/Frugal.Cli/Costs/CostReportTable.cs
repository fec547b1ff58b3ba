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

        foreach (var g in report.Groups)
        {
            table.AddRow(
                Markup.Escape(g.Key),
                (g.RunsExact ? "" : "~") + g.Runs.ToString("N0", CultureInfo.InvariantCulture),
                g.Calls.ToString("N0", CultureInfo.InvariantCulture),
                g.InputTokens.ToString("N0", CultureInfo.InvariantCulture),
                g.OutputTokens.ToString("N0", CultureInfo.InvariantCulture),
                MoneyText.Format(g.Dollars) + (g.UnpricedCalls > 0 ? $" (+{g.UnpricedCalls} unpriced)" : ""),
                g.Escalations == 0 ? "0" : $"{g.Escalations.ToString("N0", CultureInfo.InvariantCulture)} ({MoneyText.Format(g.EscalatedDollars)})",
                MoneyText.Format(g.SavedDollars),
                g.CacheHitRate.ToString("P1", CultureInfo.InvariantCulture),
                g.GpuSeconds.ToString("0.##", CultureInfo.InvariantCulture),
                g.LatencyP50Ms.ToString("0.##", CultureInfo.InvariantCulture),
                g.LatencyP95Ms.ToString("0.##", CultureInfo.InvariantCulture));
        }

        table.Caption($"{report.Records:N0} records, {MoneyText.Format(report.Dollars)} spent, {MoneyText.Format(report.SavedDollars)} saved, {report.UnpricedCalls:N0} unpriced calls");
        console.Write(table);
    }

}
