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
}
