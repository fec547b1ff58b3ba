using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Frugal.Cli.Local;
using Frugal.Workflows;
using Microsoft.DurableTask.Client;

namespace Frugal.Hosting.Tests.Cli;

public sealed class RunReporterTests
{
    [Fact]
    public void Summarize_ManyRunsOfFractionsOfAMillionth_DollarsColumnAddsUpToTheTotal()
    {
        // 400 runs of $0.0000025 each showed $0.000003 per row under a total of $0.001000: the column added up to $0.0012.
        var definition = WorkflowLoader.Load(RepoPaths.Workflow("support-triage.yaml"));
        var output = new StringWriter();
        var reporter = new RunReporter(output, definition, 400);
        var spend = new Dictionary<string, RunSpend>(StringComparer.Ordinal);
        for (int i = 0; i < 400; i++)
        {
            var id = $"run-{i}";
            reporter.Report(new RunInput($"line {i + 1}", Ticket(definition)), new OrchestrationMetadata("support-triage", id) { RuntimeStatus = OrchestrationRuntimeStatus.Failed }, TimeSpan.Zero);
            spend[id] = new RunSpend(0.0000025m, 10, 2);
        }

        output.GetStringBuilder().Clear();
        reporter.Summarize(TimeSpan.FromSeconds(1), spend);

        var text = output.ToString();
        var rows = text.Split('\n').Where(l => l.Contains("line ", StringComparison.Ordinal)).ToList();
        Assert.Equal(400, rows.Count);
        var column = rows.Sum(r => decimal.Parse(r.Split('│', StringSplitOptions.TrimEntries)[^2], CultureInfo.InvariantCulture));
        var total = decimal.Parse(Regex.Match(text, @"failed; \$([0-9.]+) recorded in the cost ledger").Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.Equal(0.001m, total);
        Assert.Equal(total, column);
    }

    [Fact]
    public void Summarize_SpendOfRunsNotReported_ShownOnARowOfTheirOwn()
    {
        // A stop leaves runs unreported whose calls were paid for: the total counts them, so the column must too.
        var definition = WorkflowLoader.Load(RepoPaths.Workflow("support-triage.yaml"));
        var output = new StringWriter();
        var reporter = new RunReporter(output, definition, 3);
        reporter.Report(new RunInput("line 1", Ticket(definition)), new OrchestrationMetadata("support-triage", "a") { RuntimeStatus = OrchestrationRuntimeStatus.Failed }, TimeSpan.Zero);

        reporter.Summarize(TimeSpan.FromSeconds(1), new Dictionary<string, RunSpend>(StringComparer.Ordinal)
        {
            ["a"] = new(0.000010m, 10, 2), ["b"] = new(0.000020m, 20, 4), ["c"] = new(0.000030m, 30, 6),
        });

        var text = output.ToString();
        Assert.Matches(@"\(2 unfinished\).*│ 50 +│ 10 +│ 0\.000050 │", text);
        Assert.Contains("failed; $0.000060 recorded in the cost ledger", text, StringComparison.Ordinal);
    }

    private static ValidatedInput Ticket(WorkflowDefinition definition)
    {
        Assert.True(WorkflowInputValidator.TryValidate(definition, new JsonObject { ["subject"] = "s", ["body"] = "b" }, out var valid, out _));
        return valid;
    }
}
