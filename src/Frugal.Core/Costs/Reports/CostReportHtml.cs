using System.Globalization;
using System.Net;
using System.Text;

namespace Frugal.Costs.Reports;

/// <summary>
/// Renders a cost report as one self-contained HTML page: inline SVG charts drawn here (no CDN, no chart library,
/// so the page opens offline and in locked-down browsers), a table of groups, and the report's JSON in
/// <c>&lt;script type="application/json" id="report-data"&gt;</c>. Every bar carries <c>data-label</c>/<c>data-day</c>
/// and <c>data-value</c>; a small inline script checks the bars against the JSON and sets <c>body[data-check]</c>.
/// </summary>
internal static class CostReportHtml
{
    private const int Width = 760;
    private const int LabelWidth = 240;
    private const int BarWidth = Width - LabelWidth - 110;
    private const int RowHeight = 22;

    // Room a character of the 12px labels may take (wider than the average letter, so that a label fits), and the most
    // a label column may take before the label is shortened in the middle (its whole text stays in its tooltip).
    private const double CharWidth = 7.5;
    private const int MaxLabelWidth = 600;

    private static readonly Dictionary<string, string> TierColours = new(StringComparer.Ordinal)
    {
        ["premium"] = "#c0392b", ["cheap"] = "#2980b9", ["onnx"] = "#8e44ad", ["deterministic"] = "#27ae60", ["none"] = "#95a5a6",
    };

    public static string Render(CostReportResult report)
    {
        var html = new StringBuilder(16 * 1024);
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Frugal cost report</title>\n<style>")
            .Append("body{font-family:system-ui,sans-serif;margin:2rem;color:#222}svg{display:block;margin-bottom:1rem}")
            .Append("table{border-collapse:collapse}td,th{padding:.25rem .6rem;border-bottom:1px solid #ddd;text-align:right}")
            .Append("td:first-child,th:first-child{text-align:left}text{font-size:12px}.legend span{margin-right:1rem}")
            .Append("</style>\n</head>\n<body>\n<h1>Frugal cost report</h1>\n");
        // The group table's dollars and saved columns add up to the totals in the summary (MoneyColumn).
        var dollars = MoneyColumn.ForReport([.. report.Groups.Select(g => g.Dollars)]);
        var saved = MoneyColumn.ForReport([.. report.Groups.Select(g => g.SavedDollars)]);
        html.Append(CultureInfo.InvariantCulture, $"<p id=\"summary\">{report.Records:N0} records, {dollars.Format(dollars.Total)} spent, {saved.Format(saved.Total)} saved by the cache, {report.UnpricedCalls:N0} unpriced call{(report.UnpricedCalls == 1 ? string.Empty : "s")}")
            .Append(CultureInfo.InvariantCulture, $" ({Period(report)}; generated {report.GeneratedAt:u}).</p>\n");
        if (report.UnfinishedCalls > 0)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p id=\"unfinished\">{report.UnfinishedCalls:N0} unfinished calls (started, never recorded an end: outcome unknown), not in the spend above: up to {Money(report.UnfinishedMaxDollars)} more")
                .Append(report.UnfinishedUnpricedCalls > 0 ? string.Create(CultureInfo.InvariantCulture, $", {report.UnfinishedUnpricedCalls:N0} of them unpriced") : string.Empty)
                .Append(".</p>\n");
        }

        Section(html, "Cost per workflow", HorizontalBars("chart-cost-per-workflow", "Cost per workflow", report.Workflows));
        Section(html, "Tier mix over time (calls per day)", TierMix(report.Days));
        Section(html, "Cache savings per day", CacheSavings(report.Days));
        Section(html, "Top costly steps", HorizontalBars("chart-top-steps", "Top costly steps", report.TopSteps));
        Section(html, "By " + report.By.ToString().ToLowerInvariant(), GroupTable(report, dollars, saved));
        html.Append("<script type=\"application/json\" id=\"report-data\">").Append(CostReportWriter.ToJson(report)).Append("</script>\n")
            .Append("<script>\n").Append(CheckScript).Append("</script>\n</body>\n</html>\n");
        return html.ToString();
    }

    private static void Section(StringBuilder html, string title, string body) =>
        html.Append("<section>\n<h2>").Append(Encode(title)).Append("</h2>\n").Append(body).Append("</section>\n");

    private static string HorizontalBars(string id, string title, IReadOnlyList<CostReportItem> items)
    {
        decimal max = items.Count == 0 ? 0 : items.Max(i => i.Dollars);
        int height = Math.Max(1, items.Count) * RowHeight + 10;

        // The columns grow with their text: a fixed 240px cut long workflow and step names off on the left, and the 110px
        // after the longest bar cut off its "(+N unpriced)".
        var amounts = items.Select(i => Money(i.Dollars) + (i.UnpricedCalls > 0 ? $" (+{i.UnpricedCalls:N0} unpriced)" : string.Empty)).ToList();
        int labelWidth = Math.Clamp(TextWidth(items.Select(i => i.Label)) + 12, LabelWidth, MaxLabelWidth);
        int amountWidth = Math.Max(110, TextWidth(amounts) + 12);
        int labelChars = (int)((labelWidth - 12) / CharWidth);
        var svg = Open(id, title, height, items.Count, labelWidth + BarWidth + amountWidth);
        for (int i = 0; i < items.Count; i++)
        {
            var item = items[i];
            double width = Scale(item.Dollars, max, BarWidth);
            int y = 5 + i * RowHeight;
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{labelWidth - 6}\" y=\"{y + 15}\" text-anchor=\"end\"><title>{Encode(item.Label)}</title>{Encode(Shorten(item.Label, labelChars))}</text>")
                .Append(CultureInfo.InvariantCulture, $"<rect class=\"bar\" data-label=\"{Encode(item.Label)}\" data-value=\"{Num(item.Dollars)}\" x=\"{labelWidth}\" y=\"{y + 3}\" width=\"{width:0.##}\" height=\"{RowHeight - 6}\" fill=\"#2980b9\"/>")
                .Append(CultureInfo.InvariantCulture, $"<text x=\"{labelWidth + width + 6:0.##}\" y=\"{y + 15}\">{Encode(amounts[i])}</text>\n");
        }

        return svg.Append("</svg>\n").ToString();
    }

    private static int TextWidth(IEnumerable<string> texts) => (int)Math.Ceiling(texts.Select(t => t.Length).DefaultIfEmpty(0).Max() * CharWidth);

    // Keeps both ends (the workflow and the step of "workflow/step") of a label too long for the widest column.
    private static string Shorten(string label, int chars) =>
        label.Length <= chars ? label : string.Concat(label.AsSpan(0, (chars - 1) / 2), "\u2026", label.AsSpan(label.Length - (chars - 1 - ((chars - 1) / 2))));

    private static string TierMix(IReadOnlyList<CostReportDay> days)
    {
        const int plot = 220;
        long max = days.Count == 0 ? 0 : days.Max(d => d.Calls);
        var axis = new DayAxis(days, plot + 28);
        var svg = Open("chart-tier-mix", "Tier mix over time", plot + 40, days.Count);
        foreach (var day in days)
        {
            double x = axis.X(day), top = plot + 10;
            foreach (var (tier, calls) in day.CallsByTier.Where(t => t.Value > 0))
            {
                double height = Scale(calls, max, plot);
                top -= height;
                svg.Append(CultureInfo.InvariantCulture, $"<rect class=\"segment\" data-day=\"{day.Date}\" data-tier=\"{tier}\" data-value=\"{calls}\" x=\"{x:0.##}\" y=\"{top:0.##}\" width=\"{axis.BarWidth:0.##}\" height=\"{height:0.##}\" fill=\"{TierColours.GetValueOrDefault(tier, "#777")}\"><title>{day.Date} {tier}: {calls}</title></rect>");
            }

            svg.Append(axis.Label(day)).Append('\n');
        }

        svg.Append("</svg>\n<p class=\"legend\">");
        foreach (var (tier, colour) in TierColours)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<span style=\"color:{colour}\">&#9632; {tier}</span>");
        }

        return svg.Append("</p>\n").ToString();
    }

    private static string CacheSavings(IReadOnlyList<CostReportDay> days)
    {
        const int plot = 200;
        decimal max = days.Count == 0 ? 0 : days.Max(d => d.SavedDollars);
        var axis = new DayAxis(days, plot + 28);
        var svg = Open("chart-cache-savings", "Cache savings per day", plot + 40, days.Count);
        if (days.Count > 0 && max <= 0)
        {
            // Days with records but nothing saved drew an empty box, which read as a chart that failed to draw.
            svg.Append("<text class=\"empty\" x=\"10\" y=\"20\">No cache hits in this period: nothing saved.</text>\n");
        }

        foreach (var day in days)
        {
            double height = Scale(day.SavedDollars, max, plot), x = axis.X(day);
            svg.Append(CultureInfo.InvariantCulture, $"<rect class=\"bar\" data-day=\"{day.Date}\" data-value=\"{Num(day.SavedDollars)}\" x=\"{x:0.##}\" y=\"{plot + 10 - height:0.##}\" width=\"{axis.BarWidth:0.##}\" height=\"{height:0.##}\" fill=\"#27ae60\"><title>{day.Date}: {Money(day.SavedDollars)} saved, {day.CacheHits} hits</title></rect>")
                .Append(axis.Label(day)).Append('\n');
        }

        return svg.Append("</svg>\n").ToString();
    }

    private static string GroupTable(CostReportResult report, MoneyColumn dollars, MoneyColumn saved)
    {
        var table = new StringBuilder("<table id=\"groups\">\n<tr><th>group</th><th>runs</th><th>calls</th><th>tokens in</th><th>tokens out</th><th>dollars</th><th>escalations</th><th>saved</th><th>cache hit rate</th><th>GPU s</th><th>p50 ms</th><th>p95 ms</th></tr>\n");
        for (int i = 0; i < report.Groups.Count; i++)
        {
            var g = report.Groups[i];
            table.Append(CultureInfo.InvariantCulture, $"<tr data-key=\"{Encode(g.Key)}\" data-dollars=\"{Num(g.Dollars)}\"><td>{Encode(g.Key)}</td><td>{(g.RunsExact ? "" : "~")}{g.Runs:N0}</td><td>{g.Calls:N0}</td><td>{TokenText.Input(g)}</td><td>{g.OutputTokens:N0}</td>")
                .Append(CultureInfo.InvariantCulture, $"<td>{dollars.Format(dollars[i])}{(g.UnpricedCalls > 0 ? $" (+{g.UnpricedCalls:N0} unpriced)" : string.Empty)}</td><td>{g.Escalations:N0}{(g.Escalations > 0 ? $" ({Money(g.EscalatedDollars)})" : string.Empty)}</td><td>{saved.Format(saved[i])}</td><td>{g.CacheHitRate:P1}</td><td>{g.GpuSeconds:#,0.##}</td><td>{g.LatencyP50Ms:#,0.##}</td><td>{g.LatencyP95Ms:#,0.##}</td></tr>\n");
        }

        return table.Append("</table>\n").ToString();
    }

    private static StringBuilder Open(string id, string title, int height, int count, int width = Width)
    {
        var svg = new StringBuilder().Append(CultureInfo.InvariantCulture,
            $"<svg id=\"{id}\" class=\"chart\" role=\"img\" aria-label=\"{Encode(title)}\" data-count=\"{count}\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" xmlns=\"http://www.w3.org/2000/svg\">\n");

        // An empty chart is a blank box; say why it is empty.
        return count == 0 ? svg.Append("<text class=\"empty\" x=\"10\" y=\"20\">No cost records in this period.</text>\n") : svg;
    }

    private static double Scale(decimal value, decimal max, double size) => max <= 0 ? 0 : (double)(value / max) * size;

    private static string Num(decimal value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Money(decimal value) => MoneyText.Format(value);

    private static string Encode(string text) => WebUtility.HtmlEncode(text);

    private static string Period(CostReportResult report) =>
        (report.Since, report.Until) switch
        {
            (null, null) => "all time",
            var (since, until) => $"{(since is { } start ? FirstDay(start) : "start")} to {(until is { } end ? LastDay(end) : "now")}",
        };

    // A start inside a day kept only its date: --since 2026-12-01T00:00:00+01:00 (23:00 UTC the day before) read as the
    // whole of 2026-11-30.
    private static string FirstDay(DateTimeOffset start) => start.UtcDateTime.TimeOfDay == TimeSpan.Zero
        ? start.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
        : start.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC";

    // The period's end is exclusive: a report of one day (until = the next midnight) read as two days.
    private static string LastDay(DateTimeOffset end) => end.UtcDateTime.TimeOfDay == TimeSpan.Zero
        ? end.UtcDateTime.AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
        : "before " + end.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC";

    /// <summary>
    /// The days of the daily charts, placed by date: the days between the first and the last that have no records keep
    /// their place, empty, and a date is written only where it does not run into the one before. Placed one after the
    /// other, a month with a quiet day each week read as 26 busy days in a row, and its 26 dates ran into one another.
    /// </summary>
    private sealed class DayAxis
    {
        private const double LabelSpacing = 5 * CharWidth + 4; // "MM-dd"

        private readonly int _first;
        private readonly double _column;
        private readonly int _labelY;
        private double _nextLabel = double.MinValue;

        public DayAxis(IReadOnlyList<CostReportDay> days, int labelY)
        {
            _labelY = labelY;
            if (days.Count == 0)
            {
                return;
            }

            _first = DayNumber(days[0]);
            // Room after the last day for its date.
            _column = Math.Min(60, (Width - 100.0) / (DayNumber(days[^1]) - _first + 1));
        }

        public double BarWidth => _column * 0.8;

        public double X(CostReportDay day) => 50 + (DayNumber(day) - _first) * _column;

        public string Label(CostReportDay day)
        {
            double x = X(day);
            if (x < _nextLabel)
            {
                return string.Empty;
            }

            _nextLabel = x + LabelSpacing;
            return string.Create(CultureInfo.InvariantCulture, $"<text x=\"{x:0.##}\" y=\"{_labelY}\">{day.Date[5..]}</text>");
        }

        private static int DayNumber(CostReportDay day) => DateOnly.ParseExact(day.Date, "yyyy-MM-dd", CultureInfo.InvariantCulture).DayNumber;
    }

    // Runs in the browser after the page loads: compares every chart's bars with the embedded JSON and records the
    // rendered width of each chart, so a headless-browser test sees what a person would.
    private const string CheckScript = """
        (function () {
          var data = JSON.parse(document.getElementById('report-data').textContent);
          var problems = [];
          function near(a, b) { return Math.abs(Number(a) - Number(b)) <= 1e-9 * Math.max(1, Math.abs(Number(b))); }
          function check(id, items, label, value) {
            var bars = document.querySelectorAll('#' + id + ' .bar');
            if (bars.length !== items.length) { problems.push(id + ': ' + bars.length + ' bars for ' + items.length + ' items'); return; }
            items.forEach(function (item, i) {
              if (bars[i].getAttribute(label[0]) !== String(item[label[1]]) || !near(bars[i].getAttribute('data-value'), item[value])) {
                problems.push(id + ': bar ' + i + ' does not match');
              }
            });
          }
          check('chart-cost-per-workflow', data.workflows, ['data-label', 'label'], 'dollars');
          check('chart-top-steps', data.topSteps, ['data-label', 'label'], 'dollars');
          check('chart-cache-savings', data.days, ['data-day', 'date'], 'savedDollars');
          data.days.forEach(function (day) {
            Object.keys(day.callsByTier).forEach(function (tier) {
              var rect = document.querySelector('#chart-tier-mix rect[data-day="' + day.date + '"][data-tier="' + tier + '"]');
              var shown = rect ? Number(rect.getAttribute('data-value')) : 0;
              if (shown !== day.callsByTier[tier]) { problems.push('chart-tier-mix: ' + day.date + ' ' + tier); }
            });
          });
          document.querySelectorAll('svg.chart').forEach(function (svg) {
            svg.setAttribute('data-rendered-width', String(Math.round(svg.getBoundingClientRect().width)));
          });
          document.body.setAttribute('data-check', problems.length ? 'mismatch: ' + problems.join('; ') : 'ok');
        })();
        """;
}
