using System.Globalization;
using System.Text.RegularExpressions;
using Frugal.Cli.Costs;
using Frugal.Costs.Reports;

namespace Frugal.Hosting.Tests.Costs;

public sealed class CostReportTableTests
{
    [Fact]
    public void Write_GroupsThatRoundApart_DollarsColumnAddsUpToTheCaption()
    {
        // Three groups of $0.01235 showed $0.0124 each (four places) above "$0.0371 spent": the column added up to $0.0372.
        var groups = Enumerable.Range(1, 3).Select(i => new CostReportGroup { Key = $"wf{i}", Runs = 1, RunsExact = true, Calls = 1, Dollars = 0.01235m }).ToList();
        var report = new CostReportResult { By = CostGroupBy.Workflow, Records = 3, Dollars = 0.03705m, Groups = groups, Workflows = [], Days = [], TopSteps = [] };
        var output = new StringWriter();

        CostReportTable.Write(report, output);

        var text = output.ToString();
        var column = text.Split('\n').Where(l => Regex.IsMatch(l, @"│ wf\d")).Sum(l => decimal.Parse(l.Split('│', StringSplitOptions.TrimEntries)[6].TrimStart('$'), CultureInfo.InvariantCulture));
        var total = decimal.Parse(Regex.Match(text, @"records, \$([0-9.]+) spent").Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.Equal(0.0371m, total);
        Assert.Equal(total, column);
    }

    [Fact]
    public void Write_GroupWithCachedInput_ShowsTheCachedTokens()
    {
        // Cached input is billed at half the input price or less; the table showed the input only, so a bill's cached
        // tokens could not be checked against it.
        var groups = new List<CostReportGroup>
        {
            new() { Key = "cached", Runs = 1, RunsExact = true, Calls = 1, InputTokens = 12_000, CachedInputTokens = 4_096, Dollars = 0.002m },
            new() { Key = "uncached", Runs = 1, RunsExact = true, Calls = 1, InputTokens = 1_379, Dollars = 0.001m },
        };
        var report = new CostReportResult { By = CostGroupBy.Workflow, Records = 2, Dollars = 0.003m, Groups = groups, Workflows = [], Days = [], TopSteps = [] };
        var output = new StringWriter();

        CostReportTable.Write(report, output);

        var cells = output.ToString().Split('\n').Where(l => l.StartsWith("│ ", StringComparison.Ordinal)).Select(l => l.Split('│', StringSplitOptions.TrimEntries)).ToList();
        Assert.Equal("12,000 (4,096 cached)", cells.Single(c => c[1] == "cached")[4]);
        Assert.Equal("1,379", cells.Single(c => c[1] == "uncached")[4]);
    }

    [Fact]
    public void Write_AMonthOfGpuTime_GroupsItsThousands()
    {
        // A replica busy all month is 2,629,800 GPU seconds: the column read 2629800 beside tokens written 1,379.
        var groups = new List<CostReportGroup> { new() { Key = "wf", Runs = 1, RunsExact = true, Calls = 1, GpuSeconds = 2_629_800.25, LatencyP50Ms = 1_234.5, LatencyP95Ms = 65_432.1, Dollars = 549.34m } };
        var report = new CostReportResult { By = CostGroupBy.Workflow, Records = 1, Dollars = 549.34m, Groups = groups, Workflows = [], Days = [], TopSteps = [] };
        var output = new StringWriter();

        CostReportTable.Write(report, output);

        var cells = output.ToString().Split('\n').Single(l => l.StartsWith("│ wf", StringComparison.Ordinal)).Split('│', StringSplitOptions.TrimEntries);
        Assert.Equal(["2,629,800.25", "1,234.5", "65,432.1"], cells[10..13]);
    }
}
