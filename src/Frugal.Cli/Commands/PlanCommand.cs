using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Text.Json;
using Frugal.Cli.Costs;
using Frugal.Costs;
using Frugal.Costs.Reports;
using Frugal.Planning;

namespace Frugal.Cli.Commands;

/// <summary><c>frugal plan</c>: projects recorded costs to a planned scale against a target gross margin (docs/planning.md).</summary>
internal static class PlanCommand
{
    public static Command Create()
    {
        // Upper bounds keep the projection inside what decimal dollars and whole replicas can hold (1e30 overflowed).
        var scale = NumberOption.Create<double>("--scale", "Plan for this many times the observed runs per month", v => v is > 0 and <= 1e6, "a number above 0, at most 1000000", 1);
        var peak = NumberOption.Create<int?>("--peak-concurrency", "Runs in flight at the peak (default: observed peak overlap x scale)", v => v > 0, "a whole number above 0", null);
        var revenue = NumberOption.Create<decimal?>("--revenue-per-run", "What one run earns, in dollars", v => v is > 0 and <= 1_000_000, "a number of dollars above 0, at most 1000000", null);
        var margin = NumberOption.Create<double>("--target-margin", "Target gross margin between 0 and 1", v => v is >= 0 and < 1, "a number from 0 up to (not including) 1", 0.7);
        var capacity = NumberOption.Create<double>("--gpu-capacity", "GPU-seconds per second one inference replica serves (its batching concurrency)", v => v is >= 0.001 and <= 1e6, "a number from 0.001 to 1000000", 1);
        var since = CostCommand.TimeOption("--since", "Only records from this time (yyyy-MM-dd or ISO 8601, UTC)", isEnd: false);
        var until = CostCommand.TimeOption("--until", "Only records before this time; a date includes that whole day", isEnd: true);
        // The same option as cost report's: case-insensitive, and a wrong value names the option.
        var format = CostCommand.NameOption("--format", "Output format", ["table", "json"], "table");
        var table = LedgerStore.CreateTableOption();
        var store = LedgerStore.CreateOption("The ledger");

        var command = new Command("plan", "Project monthly cost, premium share, cache hits and GPU replicas at a planned scale, against a target margin")
        {
            scale, peak, revenue, margin, capacity, since, until, store, table, format,
        };
        command.Validators.Add(result => CostCommand.CheckPeriod(result, since, until));
        LedgerStore.RequireAccountForTable(command, store, table);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var request = new PlanRequest
            {
                Scale = parse.GetValue(scale),
                PeakConcurrency = parse.GetValue(peak),
                RevenuePerRun = parse.GetValue(revenue),
                TargetMargin = parse.GetValue(margin),
                GpuReplicaCapacity = parse.GetValue(capacity),
                Since = parse.GetValue(since),
                Until = parse.GetValue(until),
            };
            return await LedgerStore.UseAsync(parse.GetValue(store)!, parse.GetValue(table)!, parse.InvocationConfiguration.Error, async ledger =>
            {
                var plan = await MarginPlanner.PlanAsync(ledger, request, TimeProvider.System, cancellationToken);
                var output = parse.InvocationConfiguration.Output;
                if (string.Equals(parse.GetValue(format), "json", StringComparison.OrdinalIgnoreCase))
                {
                    await output.WriteLineAsync(JsonSerializer.Serialize(plan, PlanJson.Options));
                }
                else
                {
                    PlanTable.Write(plan, output);
                }

                return ExitCodes.Ok;
            });
        });
        return command;
    }
}
