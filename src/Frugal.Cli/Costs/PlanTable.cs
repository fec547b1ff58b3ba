using System.Globalization;
using Frugal.Costs.Reports;
using Frugal.Planning;
using Spectre.Console;

namespace Frugal.Cli.Costs;

/// <summary>Renders a margin plan as console tables with Spectre.Console.</summary>
internal static class PlanTable
{
    public static void Write(MarginPlan plan, TextWriter output)
    {
        var console = CliConsole.For(output);
        if (plan.Total.ObservedRuns == 0)
        {
            // A table of zeros read as a workload that costs nothing.
            console.WriteLine("No finished run is recorded in the ledger for this period: nothing to project (check --store, --since and --until; a run counts once one of its calls has finished).");
            return;
        }

        var request = plan.Request;
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Plan at {request.Scale:0.##}x the {plan.Total.ObservedRuns} run(s) recorded over {plan.ObservedDays:0.#} day(s); target margin {request.TargetMargin:P0}"));
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumns("workflow", "runs/month", "$/run", "$/month", "premium", "cache hits", "GPU s/run", "margin", "max $/run");
        foreach (var column in table.Columns.Skip(1))
        {
            column.RightAligned();
        }

        // The workflows' dollars per month, to the cent, add up to the total's (MoneyColumn); the total row is last.
        var monthly = MoneyColumn.Round([.. plan.Workflows.Select(w => w.MonthlyCost)], 2);
        var rows = plan.Workflows.Append(plan.Total).ToList();
        for (int i = 0; i < rows.Count; i++)
        {
            var w = rows[i];
            table.AddRow(
                Markup.Escape(w.Workflow),
                w.RunsPerMonth.ToString("N0", CultureInfo.InvariantCulture),
                w.CostPerRun.ToString("$0.00####", CultureInfo.InvariantCulture),
                (i < plan.Workflows.Count ? monthly[i] : monthly.Total).ToString("$#,0.00", CultureInfo.InvariantCulture),
                w.PremiumShare.ToString("P1", CultureInfo.InvariantCulture),
                w.CacheHitRate.ToString("P1", CultureInfo.InvariantCulture),
                Figure(w.GpuSecondsPerRun),
                w.Margin is not { } m ? "-"
                    : w.MeetsTarget switch
                    {
                        true => m.ToString("P1", CultureInfo.InvariantCulture),
                        false => "[red]" + m.ToString("P1", CultureInfo.InvariantCulture) + " (below)[/]",
                        null => "[yellow]" + m.ToString("P1", CultureInfo.InvariantCulture) + " (at most)[/]",
                    },
                w.MaxCostPerRun?.ToString("$0.00####", CultureInfo.InvariantCulture) ?? "-");
        }

        console.Write(table);
        if (plan.Total.UnpricedCalls > 0)
        {
            console.MarkupLine(string.Create(CultureInfo.InvariantCulture,
                $"[yellow]{plan.Total.UnpricedCalls} call(s) are unpriced (a model missing from the price table, GPU seconds without Frugal:Inference:GpuProfile): their cost is unknown, so the dollars above are lower bounds and the margins upper bounds (at most).[/]"));
        }

        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Peak concurrency {plan.PeakConcurrency} run(s) ({(request.PeakConcurrency is null ? $"observed {plan.ObservedPeakConcurrency} x scale" : "given")}); " +
            $"GPU demand mean {Figure(plan.MeanGpuDemand)}, peak {Figure(plan.PeakGpuDemand)} GPU-s/s -> {plan.GpuReplicas} replica(s) at {Share(plan.GpuUtilisation)} mean utilisation"));
    }

    // A light GPU workload (an onnx step a few times a day) has a demand of 1e-5 GPU-s/s: to three decimals it read
    // "mean 0, peak 0 -> 1 replica(s) at 0.0 % mean utilisation", a replica billed for nothing shown.
    private static string Figure(double value) =>
        value != 0 && Math.Abs(value) < 0.001 ? value.ToString("0.##E+0", CultureInfo.InvariantCulture) : value.ToString("0.###", CultureInfo.InvariantCulture);

    private static string Share(double value) =>
        value > 0 && value < 0.0005 ? "< 0.1 %" : value.ToString("P1", CultureInfo.InvariantCulture);
}
