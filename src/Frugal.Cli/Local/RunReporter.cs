using System.Globalization;
using System.Text.Json;
using Frugal.Costs.Reports;
using Frugal.Engine;
using Frugal.Expressions;
using Frugal.Workflows;
using Microsoft.DurableTask.Client;
using Spectre.Console;

namespace Frugal.Cli.Local;

/// <summary>Prints each run's output as it finishes, then a summary table.</summary>
internal sealed class RunReporter
{
    private readonly TextWriter _out;
    private readonly WorkflowDefinition _definition;
    private readonly int _total;
    private readonly List<Row> _rows = [];

    public RunReporter(TextWriter output, WorkflowDefinition definition, int total)
    {
        _out = output;
        _definition = definition;
        _total = total;
    }

    public int Failed { get; private set; }

    /// <summary>The runs reported so far.</summary>
    public int Reported => _rows.Count;

    public void Report(RunInput input, OrchestrationMetadata? metadata, TimeSpan elapsed)
    {
        var status = metadata?.RuntimeStatus.ToString() ?? "Unknown";
        var result = metadata?.RuntimeStatus == OrchestrationRuntimeStatus.Completed ? metadata.ReadOutputAs<WorkflowRunResult>() : null;
        if (result is null)
        {
            Failed++;
        }

        _out.WriteLine($"[{_rows.Count + 1}/{_total}] {input.Label} {status} in {elapsed.TotalSeconds:F2}s (run {metadata?.InstanceId})");
        if (result is not null)
        {
            // Text for a terminal ("Settings > Billing", "café", an emoji as themselves), written chunk by chunk: one
            // string of a 400 MB output was another 800 MB at once.
            _out.WriteLine(JsonText.Append(new System.Text.StringBuilder(), result.Output, indented: true));
        }
        else
        {
            _out.WriteLine($"  error: {Frugal.Api.RunStatus.FailureMessage(metadata)}");
        }

        _out.Flush();

        // The summary needs the steps alone: a row that kept the result held every printed output until the end.
        _rows.Add(new Row(input.Label, metadata?.InstanceId ?? string.Empty, status, elapsed, result?.Steps, result is null ? Progress(metadata) : null));
    }

    /// <summary>
    /// Prints the summary; <paramref name="spend"/> holds what the cost ledger recorded for each run, by run id: its
    /// tokens and dollars are every call's (a failed run's, and the cheap attempt an escalation replaced, included),
    /// where the run's own result counts only the answers it kept.
    /// </summary>
    public void Summarize(TimeSpan total, IReadOnlyDictionary<string, RunSpend> spend)
    {
        var table = new Table().Title($"[bold]{Markup.Escape(_definition.Name)}[/] ({_definition.Hash[..12]}): {_rows.Count} run(s) in {total.TotalSeconds:F2}s");
        table.AddColumns("Input", "Status", "Seconds", "Steps", "Tiers", "Tokens in", "Tokens out", "Dollars");

        // Each run's dollars to the millionth, rounded so that the column adds up to the total printed below it. A stop
        // leaves runs unreported whose calls were paid for all the same: the total counts them, on a row of their own.
        var reported = _rows.Select(r => r.RunId).ToHashSet(StringComparer.Ordinal);
        var unreported = spend.Where(s => !reported.Contains(s.Key)).Select(s => s.Value).ToList();
        var dollars = MoneyColumn.Round([.. _rows.Select(r => spend.GetValueOrDefault(r.RunId).Dollars), unreported.Sum(s => s.Dollars)], 6);
        for (int i = 0; i < _rows.Count; i++)
        {
            var row = _rows[i];
            var recorded = spend.GetValueOrDefault(row.RunId);
            var cost = !spend.ContainsKey(row.RunId) ? "-"
                : recorded.Unpriced > 0 ? $"{dollars[i].ToString("0.000000", CultureInfo.InvariantCulture)} (+{recorded.Unpriced} unpriced)"
                : dollars[i].ToString("0.000000", CultureInfo.InvariantCulture);
            var tokensIn = spend.ContainsKey(row.RunId) ? recorded.InputTokens.ToString(CultureInfo.InvariantCulture) : "0";
            var tokensOut = spend.ContainsKey(row.RunId) ? recorded.OutputTokens.ToString(CultureInfo.InvariantCulture) : "0";
            if (row.Steps is not { } steps)
            {
                // A run that failed has no result to read steps and tokens from: what it got through, from its
                // progress; its spend, from the ledger like every run's.
                var progress = row.Progress is { } p ? $"{p.CompletedSteps} of {p.TotalSteps} finished" : "-";
                table.AddRow(Markup.Escape(row.Label), $"[red]{row.Status}[/]", Seconds(row.Elapsed), progress, recorded.Tiers(), tokensIn, tokensOut, cost);
                continue;
            }

            var tiers = steps.SelectMany(s => s.Tiers).GroupBy(t => t.Key).Select(g => $"{g.Key}:{g.Sum(t => t.Value)}");
            table.AddRow(
                Markup.Escape(row.Label),
                row.Status,
                Seconds(row.Elapsed),
                $"{steps.Count(s => s.Status == "completed")} ran, {steps.Count(s => s.Status == "skipped")} skipped",
                Markup.Escape(string.Join(" ", tiers)),
                tokensIn,
                tokensOut,
                cost);
        }

        if (unreported.Count > 0)
        {
            table.AddRow(
                $"({unreported.Count} unfinished)", "-", "-", "-", "-",
                unreported.Sum(s => s.InputTokens).ToString(CultureInfo.InvariantCulture),
                unreported.Sum(s => s.OutputTokens).ToString(CultureInfo.InvariantCulture),
                dollars[_rows.Count].ToString("0.000000", CultureInfo.InvariantCulture));
        }

        var console = CliConsole.For(_out);
        console.Write(table);
        _out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{_rows.Count - Failed} completed, {Failed} failed; ${dollars.Total:0.000000} recorded in the cost ledger"));
        if (spend.Values.Sum(r => r.Unpriced) is > 0 and var unpriced)
        {
            // Shown as $0 they read as free; their cost is unknown (costs.md: a model or GPU profile the price table
            // lacks, or a call that got no answer, a timeout most often, and may have been billed unseen).
            _out.WriteLine($"{unpriced} call(s) unpriced, not in that total: their cost is unknown, not zero (a model or GPU profile the price table lacks, or a call that got no answer and may have been billed; see `frugal cost report`)");
        }

        if (spend.Values.Sum(r => r.Unfinished) is > 0 and var unfinished)
        {
            // Calls a stop did not wait for: sent, maybe billed, with no answer yet. Their write-ahead records say so.
            _out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{unfinished} model call(s) had no answer yet, not in that total: up to ${spend.Values.Sum(r => r.UnfinishedMaxDollars):0.000000} more (the ledger keeps them as unfinished calls until they end; see `frugal cost report`)"));
        }
    }

    private static string Seconds(TimeSpan elapsed) => elapsed.TotalSeconds.ToString("F2", CultureInfo.InvariantCulture);

    /// <summary>The progress a run had reported when it ended (its custom status), if it reported any.</summary>
    private static RunProgress? Progress(OrchestrationMetadata? metadata)
    {
        try
        {
            return metadata?.SerializedCustomStatus is null ? null : metadata.ReadCustomStatusAs<RunProgress>();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private sealed record Row(string Label, string RunId, string Status, TimeSpan Elapsed, IReadOnlyList<StepSummary>? Steps, RunProgress? Progress);
}

/// <summary>What the cost ledger recorded for one run.</summary>
/// <param name="Dollars">Its dollars.</param>
/// <param name="InputTokens">Its prompt tokens.</param>
/// <param name="OutputTokens">Its completion tokens.</param>
/// <param name="Unpriced">Its calls the price table could not price (their cost is unknown, not zero).</param>
/// <param name="Unfinished">Its model calls that recorded a start and no end yet: in flight when the summary was read.</param>
/// <param name="UnfinishedMaxDollars">The most those can cost; not in <paramref name="Dollars"/>.</param>
internal readonly record struct RunSpend(decimal Dollars, long InputTokens, long OutputTokens, int Unpriced = 0, int Cheap = 0, int Premium = 0, int Onnx = 0, int Unfinished = 0, decimal UnfinishedMaxDollars = 0m)
{
    public static RunSpend operator +(RunSpend spend, Frugal.Costs.CostRecord record) => record.Unfinished
        ? spend with { Unfinished = spend.Unfinished + 1, UnfinishedMaxDollars = spend.UnfinishedMaxDollars + record.Dollars }
        : new(spend.Dollars + record.Dollars, spend.InputTokens + record.InputTokens, spend.OutputTokens + record.OutputTokens, spend.Unpriced + (record.Priced ? 0 : 1),
            spend.Cheap + (record.Tier == Frugal.Costs.CostTier.Cheap ? 1 : 0),
            spend.Premium + (record.Tier == Frugal.Costs.CostTier.Premium ? 1 : 0),
            spend.Onnx + (record.Tier == Frugal.Costs.CostTier.Onnx ? 1 : 0), spend.Unfinished, spend.UnfinishedMaxDollars);

    /// <summary>The model calls the ledger holds, per tier (<c>cheap:9 premium:1</c>): a failed run's, which has no result to count them from.</summary>
    public string Tiers() => string.Join(' ', new[] { ("cheap", Cheap), ("premium", Premium), ("onnx", Onnx) }.Where(t => t.Item2 > 0).Select(t => $"{t.Item1}:{t.Item2}"));
}
