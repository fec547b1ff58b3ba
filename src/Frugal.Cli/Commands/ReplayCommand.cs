using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Frugal.Cli.Local;
using Frugal.Cli.Replay;
using Frugal.Costs.Reports;
using Frugal.Routing;
using Frugal.Workflows;
using Spectre.Console;

namespace Frugal.Cli.Commands;

/// <summary>
/// <c>frugal replay --data &lt;labelled.csv&gt;</c>: runs labelled prompts through a workflow with auto routing and, in the
/// same host, with its auto steps pinned to cheap and to premium; prints cost and quality side by side.
/// </summary>
internal static class ReplayCommand
{
    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = "Labelled CSV: id,source,prompt,cheap_score,premium_score", Required = true };
        var workflow = new Option<string>("--workflow", "-w") { Description = "A workflow whose input is {prompt} and whose output has 'answer'", DefaultValueFactory = _ => "workflows/routed-qa.yaml" };
        var limit = NumberOption.Create("--limit", "Replay the first N rows", v => v >= 1, "a whole number above 0", 1000);
        var json = new Option<bool>("--json") { Description = "Print one JSON object" };
        var command = new Command("replay", "Replay labelled prompts: auto routing beside cheap-only and premium-only, cost and quality.") { data, workflow, limit, json };
        command.SetAction(async (parse, ct) =>
        {
            var path = parse.GetValue(workflow)!;
            if (parse.GetResult(workflow) is not { Implicit: false } && !File.Exists(path))
            {
                // Outside the repository the default is not there, and the message named a file the user never typed.
                await parse.InvocationConfiguration.Error.WriteLineAsync(
                    $"{path}: workflow file not found; it is the default of -w/--workflow, the repository's example relative to the current folder ({Environment.CurrentDirectory}): pass -w <workflow.yaml>");
                return ExitCodes.BadInput;
            }

            return await ReplayAsync(
                path, parse.GetValue(data)!, parse.GetValue(limit), parse.GetValue(json),
                parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, ct);
        });
        return command;
    }

    /// <summary>
    /// Replays <paramref name="limit"/> rows of the labelled CSV <paramref name="dataPath"/> through the workflow three
    /// ways in one host (auto routing, auto steps pinned to cheap, and to premium) and prints cost and quality; also what
    /// <c>frugal run</c> does with a labelled <c>.csv</c> as its input.
    /// </summary>
    internal static async Task<int> ReplayAsync(string workflowPath, string dataPath, int limit, bool json, TextWriter output, TextWriter error, CancellationToken ct)
    {
        WorkflowDefinition definition;
        IReadOnlyList<(string Name, WorkflowDefinition Definition)> pinned;
        IReadOnlyList<RoutingExample> rows;
        try
        {
            definition = WorkflowFileReader.Read(workflowPath);
            pinned = ReplayRunner.Variants(definition);
            rows = [.. RoutingDataReader.Read(dataPath).Take(limit)];
            if (rows.Count > 0 && WorkflowInputValidator.Validate(definition, ReplayRunner.Input(rows[0])) is { Count: > 0 } violations)
            {
                // Every run's input is the row's prompt; a workflow that takes another input cannot be replayed.
                throw new CliUsageException($"{definition.File}: replay starts each run with the input {{\"prompt\": <the row's prompt>}}, which the workflow's "
                    + $"input schema refuses: {string.Join("; ", violations.Select(v => $"{(v.Pointer.Length == 0 ? "/" : v.Pointer)}: {v.Message}"))}");
            }
        }
        catch (WorkflowValidationException ex)
        {
            foreach (var diagnostic in ex.Diagnostics)
            {
                await error.WriteLineAsync(diagnostic.ToString());
            }

            return ExitCodes.BadInput;
        }
        catch (Exception ex) when (ex is CliUsageException or RoutingDataException or FileNotFoundException or IOException)
        {
            await error.WriteLineAsync(ex.Message);
            return ExitCodes.BadInput;
        }

        var variants = await ReplayRunner.RunAsync(pinned, dataPath, rows, LocalRuntime.ReadConfiguration(), error, ct);
        if (variants.Sum(v => v.Unmarked) is > 0 and var unmarked)
        {
            await error.WriteLineAsync(
                $"{definition.File}: {unmarked} completed run(s) have no marked answer in their output, counted as wrong: quality is read from the model step's answer the emulator marks "
                + "(text starting 'CORRECT: ' or 'WRONG: ', or a JSON answer's 'correct'), so the workflow's output must carry it (e.g. 'answer: ${ steps.answer.output }')");
        }

        if (json)
        {
            await output.WriteLineAsync(ToJson(definition, variants).ToJsonString());
        }
        else
        {
            Print(output, definition, variants);
        }

        return variants.Any(v => v.Failed > 0) ? ExitCodes.RunFailed : ExitCodes.Ok;
    }

    private static JsonObject ToJson(WorkflowDefinition definition, IReadOnlyList<ReplayVariant> variants)
    {
        var premium = variants.Single(v => v.Name == "premium-only");
        var result = new JsonObject { ["workflow"] = definition.Name, ["version"] = definition.Hash };
        foreach (var v in variants)
        {
            result[v.Name] = new JsonObject
            {
                ["runs"] = v.Runs,
                ["failed"] = v.Failed,
                ["premium_share"] = Math.Round(v.PremiumShare, 4),
                ["quality"] = Math.Round(v.Quality, 4),
                ["quality_vs_premium_only"] = premium.Quality == 0 ? null : Math.Round(v.Quality / premium.Quality, 4),
                ["dollars"] = v.Dollars,
                ["unpriced_calls"] = v.UnpricedCalls,
                ["cost_vs_premium_only"] = premium.Dollars == 0 ? null : Math.Round((double)(v.Dollars / premium.Dollars), 4),
                ["seconds"] = Math.Round(v.Seconds, 1),
            };
        }

        return result;
    }

    internal static void Print(TextWriter output, WorkflowDefinition definition, IReadOnlyList<ReplayVariant> variants)
    {
        var premium = variants.Single(v => v.Name == "premium-only");
        var table = new Table().Title($"{Markup.Escape(definition.Name)}: {variants[0].Runs + variants[0].Failed} labelled prompts, same host, same prices");
        table.AddColumns("Variant", "Runs", "Premium share", "Quality", "vs premium-only", "Dollars", "Cost vs premium-only", "Seconds");
        // Places as the cost report shows dollars: four printed a few prompts' cheap-only cost ($0.00006) as 0.0000. The
        // places only: the variants are alternatives, not parts of a total, so each is rounded on its own (the column's
        // rounding, which makes rows add up to a total, printed two variants of the same cost with different last digits).
        var dollars = MoneyColumn.ForReport([.. variants.Select(v => v.Dollars)]);
        for (int i = 0; i < variants.Count; i++)
        {
            var v = variants[i];
            table.AddRow(
                v.Name,
                v.Runs.ToString(CultureInfo.InvariantCulture) + (v.Failed > 0 ? $" ([red]{v.Failed} failed[/], counted wrong)" : string.Empty),
                v.PremiumShare.ToString("P1", CultureInfo.InvariantCulture),
                v.Quality.ToString("0.000", CultureInfo.InvariantCulture),
                premium.Quality == 0 ? "-" : (v.Quality / premium.Quality).ToString("P1", CultureInfo.InvariantCulture),
                dollars.Format(Math.Round(v.Dollars, dollars.Places, MidpointRounding.AwayFromZero)) + (v.UnpricedCalls > 0 ? $" (+{v.UnpricedCalls.ToString("N0", CultureInfo.InvariantCulture)} unpriced)" : string.Empty),
                premium.Dollars == 0 ? "-" : ((double)(v.Dollars / premium.Dollars)).ToString("P1", CultureInfo.InvariantCulture),
                v.Seconds.ToString("0.0", CultureInfo.InvariantCulture));
        }

        var console = CliConsole.For(output);
        console.Write(table);
    }
}
