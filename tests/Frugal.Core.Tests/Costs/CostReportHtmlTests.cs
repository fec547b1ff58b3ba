using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Frugal.Costs.Reports;

namespace Frugal.Core.Tests.Costs;

/// <summary>
/// Renders the HTML report in headless Chromium (<c>FRUGAL_TEST_CHROMIUM</c>, else <c>chromium</c> on PATH; the test
/// script installs it) and reads the DOM after the page's script ran. Fails when Chromium is missing.
/// </summary>
public sealed partial class CostReportHtmlTests
{
    [Fact]
    public async Task Render_InHeadlessChromium_ChartsPresentAndNumbersMatchJson()
    {
        var report = await CostReportTests.ReportAsync(CostGroupBy.Workflow);
        string file = Path.Combine(Path.GetTempPath(), "frugal-report-" + Guid.NewGuid().ToString("N") + ".html");
        await using (var writer = File.CreateText(file))
        {
            await CostReportWriter.WriteAsync(report, CostReportFormat.Html, writer, CancellationToken.None);
        }

        string dom = await DumpDomAsync(file);
        File.Delete(file);

        Assert.Matches("<body[^>]*data-check=\"ok\"", dom);
        var dollars = MoneyColumn.ForReport([.. report.Groups.Select(g => g.Dollars)]); // the places the group table shows
        Assert.Contains($"{dollars.Format(dollars.Total)} spent", dom, StringComparison.Ordinal);
        foreach (string id in new[] { "chart-cost-per-workflow", "chart-tier-mix", "chart-cache-savings", "chart-top-steps" })
        {
            var width = Regex.Match(dom, $"<svg id=\"{id}\"[^>]*data-rendered-width=\"(\\d+)\"");
            Assert.True(width.Success, id + " was not rendered");
            Assert.True(int.Parse(width.Groups[1].Value, CultureInfo.InvariantCulture) > 0, id + " has no width");
        }

        using var data = JsonDocument.Parse(WebDecode(ReportData().Match(dom).Groups[1].Value));
        var workflows = data.RootElement.GetProperty("workflows").EnumerateArray().ToList();
        var bars = Bars("chart-cost-per-workflow", dom);
        Assert.Equal(workflows.Count, bars.Count);
        for (int i = 0; i < bars.Count; i++)
        {
            Assert.Equal(workflows[i].GetProperty("label").GetString(), bars[i].Label);
            Assert.Equal(workflows[i].GetProperty("dollars").GetDecimal(), bars[i].Value);
        }

        var saved = data.RootElement.GetProperty("days").EnumerateArray().Select(d => d.GetProperty("savedDollars").GetDecimal());
        Assert.Equal(saved, Bars("chart-cache-savings", dom).Select(b => b.Value));
        Assert.Equal(report.TopSteps.Select(s => s.Dollars), Bars("chart-top-steps", dom).Select(b => b.Value));

        // Against the report itself, not only the page's own JSON (which a wrong report would match as well).
        Assert.Equal(report.Workflows.Select(w => (w.Label, w.Dollars)), bars.Select(b => (b.Label, b.Value)));
        var segments = Regex.Matches(Regex.Match(dom, "<svg id=\"chart-tier-mix\".*?</svg>", RegexOptions.Singleline).Value,
                "<rect class=\"segment\" data-day=\"([^\"]*)\" data-tier=\"([^\"]*)\" data-value=\"([^\"]*)\"")
            .Select(m => $"{m.Groups[1].Value} {m.Groups[2].Value} {m.Groups[3].Value}")
            .Order(StringComparer.Ordinal);
        var expected = report.Days.SelectMany(d => d.CallsByTier.Where(t => t.Value > 0).Select(t => $"{d.Date} {t.Key} {t.Value}")).Order(StringComparer.Ordinal);
        Assert.NotEmpty(expected);
        Assert.Equal(expected, segments);
    }

    [Fact]
    public async Task Render_LongLabelsAndUnpricedCalls_EveryChartTextFitsItsChart()
    {
        // Workflow and step names have no length limit: a fixed 240px label column cut them off on the left, and the
        // 110px after the longest bar cut off its "(+N unpriced)".
        const string workflow = "quarterly-financial-statement-reconciliation-assistant";
        const string step = workflow + "/summarise-reconciliation-discrepancies-per-ledger-and-per-cost-centre";
        var report = new CostReportResult
        {
            By = CostGroupBy.Workflow,
            Records = 3,
            Dollars = 0.0125m,
            UnpricedCalls = 1234,
            Groups = [],
            Workflows = [new CostReportItem(workflow, 3, 0.0125m, 1234), new CostReportItem("digest", 1, 0.001m)],
            Days = [],
            TopSteps = [new CostReportItem(step, 3, 0.0125m, 1234), new CostReportItem("digest/answer", 1, 0.001m)],
        };
        string file = Path.Combine(Path.GetTempPath(), "frugal-report-" + Guid.NewGuid().ToString("N") + ".html");
        await using (var writer = File.CreateText(file))
        {
            await CostReportWriter.WriteAsync(report, CostReportFormat.Html, writer, CancellationToken.None);
        }

        // The test's own measurement, after the page's: every text of every chart inside its chart's box.
        string html = await File.ReadAllTextAsync(file);
        await File.WriteAllTextAsync(file, html.Replace("</body>", MeasureScript + "</body>", StringComparison.Ordinal));
        string dom = await DumpDomAsync(file);
        File.Delete(file);

        Assert.Matches("<body[^>]*data-check=\"ok\"", dom);
        var clipped = Regex.Match(dom, "<body[^>]*data-clipped=\"([^\"]*)\"");
        Assert.True(clipped.Success, "the measuring script did not run");
        Assert.Equal(string.Empty, WebDecode(clipped.Groups[1].Value));
        Assert.Contains($"{workflow}</text>", dom, StringComparison.Ordinal);
        Assert.Contains("(+1,234 unpriced)", dom, StringComparison.Ordinal);
        Assert.Contains($"<title>{step}</title>", dom, StringComparison.Ordinal);
    }

    private const string MeasureScript = """
        <script>
        (function () {
          var clipped = [];
          document.querySelectorAll('svg.chart').forEach(function (svg) {
            var width = svg.width.baseVal.value;
            svg.querySelectorAll('text').forEach(function (text) {
              var box = text.getBBox();
              if (box.x < 0 || box.x + box.width > width) { clipped.push(svg.id + ': ' + text.textContent); }
            });
          });
          document.body.setAttribute('data-clipped', clipped.join(' | '));
        })();
        </script>
        """;

    private static List<(string Label, decimal Value)> Bars(string chartId, string dom)
    {
        var chart = Regex.Match(dom, $"<svg id=\"{chartId}\".*?</svg>", RegexOptions.Singleline).Value;
        return Regex.Matches(chart, "<rect class=\"bar\" data-(?:label|day)=\"([^\"]*)\" data-value=\"([^\"]*)\"")
            .Select(m => (m.Groups[1].Value, decimal.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture)))
            .ToList();
    }

    private static string WebDecode(string text) => System.Net.WebUtility.HtmlDecode(text);

    private static async Task<string> DumpDomAsync(string file)
    {
        string chromium = Environment.GetEnvironmentVariable("FRUGAL_TEST_CHROMIUM") is { Length: > 0 } configured ? configured : "chromium";
        var start = new ProcessStartInfo(chromium)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            ArgumentList = { "--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=2000", "--dump-dom", new Uri(file).AbsoluteUri },
        };
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException($"Chromium ('{chromium}') is not installed; the test script installs it (apt-get install -y chromium)", ex);
        }

        using (process)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
            var error = process.StandardError.ReadToEndAsync(timeout.Token);
            await process.WaitForExitAsync(timeout.Token);
            string dom = await output;
            Assert.True(dom.Contains("</html>", StringComparison.Ordinal), "Chromium printed no DOM: " + await error);
            return dom;
        }
    }

    [GeneratedRegex("<script type=\"application/json\" id=\"report-data\">(.*?)</script>", RegexOptions.Singleline)]
    private static partial Regex ReportData();
}
