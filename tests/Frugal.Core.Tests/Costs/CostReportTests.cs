using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Frugal.Costs;
using Frugal.Costs.Reports;
using static Frugal.Core.Tests.Costs.CostSamples;

namespace Frugal.Core.Tests.Costs;

public sealed class CostReportTests
{
    internal static readonly CostRecord[] Sample =
    [
        Record(runId: "r1", step: "classify", tier: CostTier.Cheap, dollars: 0.001m, latencyMs: 100),
        Record(runId: "r1", step: "answer", tier: CostTier.Premium, model: "gpt-4o", dollars: 0.02m, latencyMs: 900),
        Record(runId: "r2", step: "classify", tier: CostTier.Cheap, dollars: 0.001m, latencyMs: 110, startedAt: Day1.AddDays(1)),
        Record(runId: "r2", step: "answer", tier: CostTier.Cheap, dollars: 0m, cache: CacheOutcome.Exact, saved: 0.003m, latencyMs: 5, startedAt: Day1.AddDays(1)),
        Record(runId: "r3", step: "summarise[0]", workflow: "digest", tenant: "globex", tier: CostTier.Onnx, model: "minilm", dollars: 0.0004m, latencyMs: 40, startedAt: Day1.AddDays(1)),
        Record(runId: "r3", step: "summarise[1]", workflow: "digest", tenant: "globex", tier: CostTier.Onnx, model: "minilm", dollars: 0.0004m, latencyMs: 60, startedAt: Day1.AddDays(1), priced: false),
        Record(runId: "r3", step: "format", workflow: "digest", tenant: "globex", tier: CostTier.Deterministic, model: null, dollars: 0m, latencyMs: 1, startedAt: Day1.AddDays(1)),
    ];

    internal static Task<CostReportResult> ReportAsync(CostGroupBy by) =>
        CostReport.AggregateAsync(Sample.ToAsyncEnumerable(), new CostReportRequest { By = by }, Day1, null, CancellationToken.None);

    [Fact]
    public async Task Html_MarksUnpricedCallsAndSaysWhenAChartIsEmpty()
    {
        var report = await ReportAsync(CostGroupBy.Workflow);
        var empty = await CostReport.AggregateAsync(Array.Empty<CostRecord>().ToAsyncEnumerable(), new CostReportRequest(), Day1, null, CancellationToken.None);

        var html = await HtmlAsync(report);
        var emptyHtml = await HtmlAsync(empty);

        Assert.Contains("(+1 unpriced)</td>", html, StringComparison.Ordinal); // as the table format shows it
        Assert.Equal(2, html.Split("(+1 unpriced)</text>").Length - 1);        // the workflow's bar and the step's read $0 before
        Assert.Equal(1, report.Workflows.Sum(w => w.UnpricedCalls));
        Assert.Equal(1, report.TopSteps.Sum(w => w.UnpricedCalls));
        Assert.DoesNotContain("No cost records in this period.", html, StringComparison.Ordinal);
        Assert.Equal(4, emptyHtml.Split("No cost records in this period.").Length - 1);

        static async Task<string> HtmlAsync(CostReportResult result)
        {
            using var writer = new StringWriter();
            await CostReportWriter.WriteAsync(result, CostReportFormat.Html, writer, CancellationToken.None);
            return writer.ToString();
        }
    }

    [Fact]
    public async Task Html_GroupWithCachedInput_ShowsTheCachedTokens()
    {
        // The sample's records each have 1,000 input tokens, 200 of them cached (billed at the cached price): the page
        // showed the input only.
        var report = await ReportAsync(CostGroupBy.Workflow);
        using var writer = new StringWriter();

        await CostReportWriter.WriteAsync(report, CostReportFormat.Html, writer, CancellationToken.None);

        Assert.Contains("<td>4,000 (800 cached)</td>", writer.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Html_AMonthOfGpuTime_GroupsItsThousands()
    {
        // A replica busy all month is 2,629,800 GPU seconds: the page read 2629800 beside tokens written 1,379.
        var report = await ReportAsync(CostGroupBy.Workflow);
        report = report with { Groups = [report.Groups[0] with { GpuSeconds = 2_629_800.25, LatencyP50Ms = 1_234.5, LatencyP95Ms = 65_432.1 }] };
        using var writer = new StringWriter();

        await CostReportWriter.WriteAsync(report, CostReportFormat.Html, writer, CancellationToken.None);

        Assert.Contains("<td>2,629,800.25</td><td>1,234.5</td><td>65,432.1</td></tr>", writer.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Html_DaysWithNothingSaved_CacheChartSaysSo()
    {
        // An empty box, as if the chart had failed to draw.
        var unsaved = await CostReport.AggregateAsync(
            Sample.Where(r => r.SavedDollars == 0).ToAsyncEnumerable(), new CostReportRequest(), Day1, null, CancellationToken.None);
        using var writer = new StringWriter();
        using var savedWriter = new StringWriter();

        await CostReportWriter.WriteAsync(unsaved, CostReportFormat.Html, writer, CancellationToken.None);
        await CostReportWriter.WriteAsync(await ReportAsync(CostGroupBy.Workflow), CostReportFormat.Html, savedWriter, CancellationToken.None);

        Assert.Contains("No cache hits in this period: nothing saved.", writer.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("No cache hits in this period", savedWriter.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Html_PeriodStartingInsideADay_NamesTheStartTime()
    {
        // --since 2026-12-01T00:00:00+01:00 is 23:00 UTC on 2026-11-30: the page read "2026-11-30 to now", as if the
        // whole of that day were in the report.
        var since = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.FromHours(1)).ToUniversalTime();
        var report = await CostReport.AggregateAsync(
            Array.Empty<CostRecord>().ToAsyncEnumerable(), new CostReportRequest { Since = since }, Day1, null, CancellationToken.None);
        using var writer = new StringWriter();

        await CostReportWriter.WriteAsync(report, CostReportFormat.Html, writer, CancellationToken.None);

        Assert.Contains("(2026-11-30 23:00 UTC to now;", writer.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Html_MonthWithQuietDays_DailyChartsPlaceDaysByDateWithDatesApart()
    {
        // Placed one after the other, a September without records on the 6th, 13th, 20th and 27th read as 26 days in a
        // row, and the 26 dates under the bars ran into one another.
        var days = Enumerable.Range(1, 30).Where(d => d % 7 != 6).Select(d => new CostReportDay
        {
            Date = string.Create(CultureInfo.InvariantCulture, $"2026-09-{d:00}"),
            Calls = 3,
            CallsByTier = new Dictionary<string, long> { ["cheap"] = 3 },
            DollarsByTier = new Dictionary<string, decimal> { ["cheap"] = 0.01m },
        }).ToList();
        var report = new CostReportResult { Records = 78, Dollars = 0.26m, Groups = [], Workflows = [], Days = days, TopSteps = [] };
        using var writer = new StringWriter();

        await CostReportWriter.WriteAsync(report, CostReportFormat.Html, writer, CancellationToken.None);

        foreach (string chart in new[] { "chart-tier-mix", "chart-cache-savings" })
        {
            string svg = Regex.Match(writer.ToString(), $"<svg id=\"{chart}\".*?</svg>", RegexOptions.Singleline).Value;
            var bars = Regex.Matches(svg, "<rect class=\"\\w+\" data-day=\"2026-09-(\\d\\d)\"[^>]* x=\"([\\d.]+)\"")
                .ToDictionary(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), m => double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));
            double column = bars[2] - bars[1];
            Assert.Equal(26, bars.Count);
            Assert.Equal(29, (bars[30] - bars[1]) / column, 1);
            Assert.Equal(2, (bars[7] - bars[5]) / column, 1);

            var labels = Regex.Matches(svg, "<text x=\"([\\d.]+)\" y=\"\\d+\">\\d\\d-\\d\\d</text>")
                .Select(m => double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToList();
            Assert.True(labels.Count >= 5, chart + ": " + labels.Count + " dates");
            Assert.All(labels.Zip(labels.Skip(1)), pair => Assert.True(pair.Second - pair.First >= 36, $"{chart}: dates at {pair.First} and {pair.Second} overlap"));
        }
    }

    [Fact]
    public async Task Html_OneDayPeriod_NamesThatDayOnly()
    {
        // The period's end is exclusive (the next midnight): a report of 2026-12-04 read "2026-12-04 to 2026-12-05".
        var day = new DateTimeOffset(2026, 12, 4, 0, 0, 0, TimeSpan.Zero);
        var report = await CostReport.AggregateAsync(
            Array.Empty<CostRecord>().ToAsyncEnumerable(), new CostReportRequest { Since = day, Until = day.AddDays(1) }, Day1, null, CancellationToken.None);
        using var writer = new StringWriter();

        await CostReportWriter.WriteAsync(report, CostReportFormat.Html, writer, CancellationToken.None);

        Assert.Contains("2026-12-04 to 2026-12-04", writer.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AggregateAsync_ByWorkflow_SumsPerGroup()
    {
        var report = await ReportAsync(CostGroupBy.Workflow);

        Assert.Equal(7, report.Records);
        Assert.Equal(0.0228m, report.Dollars);
        Assert.Equal(0.003m, report.SavedDollars);
        Assert.Equal(1, report.UnpricedCalls);
        Assert.Equal(["support", "digest"], report.Groups.Select(g => g.Key));
        var support = report.Groups[0];
        Assert.Equal(2, support.Runs);
        Assert.True(support.RunsExact);
        Assert.Equal(4, support.Calls);
        Assert.Equal(4000, support.InputTokens);
        Assert.Equal(1200, support.OutputTokens);
        Assert.Equal(0.022m, support.Dollars);
        Assert.Equal(0.25, support.CacheHitRate);
        var digest = report.Groups[1];
        Assert.Equal(1, digest.Runs);
        Assert.Equal(1.0, digest.GpuSeconds);
        Assert.Equal(1, digest.UnpricedCalls);
    }

    [Fact]
    public async Task AggregateAsync_RecordsInAnotherOrder_SameGpuSeconds()
    {
        // The Table ledger hands records over as its parallel day reads answer, in no fixed order; summed as doubles these
        // four came to 7.509499999999999 one way and 7.5095 the other, a report of 7.509 or 7.51 GPU seconds.
        var records = new[] { 1.5413, 2.8574, 1.7334, 1.3774 }
            .Select((gpu, i) => CostSamples.Record(step: "s" + i, tier: CostTier.Onnx, startedAt: Day1) with { GpuSeconds = gpu })
            .ToArray();

        var forward = await CostReport.AggregateAsync(records.ToAsyncEnumerable(), new CostReportRequest(), Day1, null, CancellationToken.None);
        var backward = await CostReport.AggregateAsync(records.Reverse().ToAsyncEnumerable(), new CostReportRequest(), Day1, null, CancellationToken.None);

        Assert.Equal(7.51, forward.Groups.Single().GpuSeconds);
        Assert.Equal(7.51, backward.Groups.Single().GpuSeconds);
    }

    [Fact]
    public async Task AggregateAsync_GpuPricedRecordsInAnotherOrder_SameDollars()
    {
        // GPU seconds x dollars an hour / 3600 has no end in decimal (0.752 / 3600 = 0.00020888...): priced to 28 places, a
        // sum past $7.92 no longer fit decimal at that scale and was rounded at every addition, so the Table ledger's
        // reports, whose records come in no fixed order, differed in their last digits from one read to the next.
        var prices = PriceTable.LoadDefault();
        var random = new Random(1);
        var records = Enumerable.Range(0, 1000)
            .Select(i => random.NextDouble() * 100)
            .Select((gpu, i) => CostSamples.Record(step: "s" + i, tier: CostTier.Onnx, dollars: prices.PriceGpu("NC8as-T4", gpu).Dollars, startedAt: Day1) with { GpuSeconds = gpu })
            .ToArray();

        var forward = await CostReport.AggregateAsync(records.ToAsyncEnumerable(), new CostReportRequest(), Day1, null, CancellationToken.None);
        var backward = await CostReport.AggregateAsync(records.Reverse().ToAsyncEnumerable(), new CostReportRequest(), Day1, null, CancellationToken.None);

        Assert.True(forward.Dollars > 7.92m);
        Assert.Equal(forward.Dollars, backward.Dollars);
        Assert.Equal(CostReportWriter.ToJson(forward), CostReportWriter.ToJson(backward));
    }

    [Fact]
    public async Task AggregateAsync_ByStep_MergesForeachIterations()
    {
        var report = await ReportAsync(CostGroupBy.Step);

        Assert.Equal(["support/answer", "support/classify", "digest/summarise", "digest/format"], report.Groups.Select(g => g.Key));
        Assert.Equal(2, report.Groups.Single(g => g.Key == "digest/summarise").Calls);
        Assert.Equal("support/answer", report.TopSteps[0].Label);
    }

    [Theory]
    [InlineData(CostGroupBy.Tenant, new[] { "acme", "globex" })]
    [InlineData(CostGroupBy.Model, new[] { "gpt-4o", "gpt-4o-mini", "minilm", "(none)" })]
    [InlineData(CostGroupBy.Tier, new[] { "premium", "cheap", "onnx", "deterministic" })]
    public async Task AggregateAsync_OtherGroupings_KeysCostliestFirst(CostGroupBy by, string[] keys)
    {
        var report = await ReportAsync(by);

        Assert.Equal(keys, report.Groups.Select(g => g.Key));
    }

    [Fact]
    public async Task AggregateAsync_Days_HaveTierMixAndSavings()
    {
        var report = await ReportAsync(CostGroupBy.Workflow);

        Assert.Equal(["2025-06-01", "2025-06-02"], report.Days.Select(d => d.Date));
        var second = report.Days[1];
        Assert.Equal(5, second.Calls);
        Assert.Equal(2, second.CallsByTier["cheap"]);
        Assert.Equal(2, second.CallsByTier["onnx"]);
        Assert.Equal(1, second.CallsByTier["deterministic"]);
        Assert.Equal(0.003m, second.SavedDollars);
        Assert.Equal(1, second.CacheHits);
    }

    [Fact]
    public async Task AggregateAsync_Latency_PercentilesWithinTwoPercent()
    {
        var records = Enumerable.Range(1, 1000).Select(i => Record(runId: "r" + i, latencyMs: i)).ToAsyncEnumerable();

        var report = await CostReport.AggregateAsync(records, new CostReportRequest(), Day1, null, CancellationToken.None);

        var group = Assert.Single(report.Groups);
        Assert.InRange(group.LatencyP50Ms, 490, 510);
        Assert.InRange(group.LatencyP95Ms, 931, 969);
    }

    [Fact]
    public async Task AggregateAsync_ManyRuns_EstimatesWithinFivePercent()
    {
        var records = Enumerable.Range(0, 50_000).Select(i => Record(runId: "run-" + i)).ToAsyncEnumerable();
        long progressSeen = 0;

        var report = await CostReport.AggregateAsync(records, new CostReportRequest(), Day1, new SyncProgress(n => progressSeen = n), CancellationToken.None);

        var group = Assert.Single(report.Groups);
        Assert.False(group.RunsExact);
        Assert.InRange(group.Runs, 47_500, 52_500);
        Assert.Equal(50_000, progressSeen);
    }

    [Fact]
    public async Task WriteCsvAsync_Report_HasHeaderAndOneLinePerGroup()
    {
        var report = await ReportAsync(CostGroupBy.Workflow);
        using var writer = new StringWriter();

        await CostReportWriter.WriteCsvAsync(report, writer, CancellationToken.None);

        string[] lines = writer.ToString().TrimEnd().Split(Environment.NewLine);
        Assert.Equal(CostReportWriter.CsvHeader, lines[0]);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("support,2,true,4,4000,800,1200,0.022,0.003,0,0.25,0,", lines[1], StringComparison.Ordinal);
        Assert.Equal(16, lines[2].Split(',').Length);
        Assert.EndsWith(",0,0", lines[1], StringComparison.Ordinal); // no escalations
    }

    [Fact]
    public async Task AggregateAsync_EscalatedCalls_CountedWithWhatTheReplacedAnswersCost()
    {
        // Escalations were merged into the step's calls: what they add to the bill could only be found in SQL.
        CostRecord[] records =
        [
            Record(runId: "e1", step: "answer#cheap", tier: CostTier.Cheap, dollars: 0.001m) with { Outcome = CostOutcome.Escalated },
            Record(runId: "e1", step: "answer", tier: CostTier.Premium, dollars: 0.02m),
            Record(runId: "e2", step: "answer", tier: CostTier.Cheap, dollars: 0.001m),
        ];

        var report = await CostReport.AggregateAsync(records.ToAsyncEnumerable(), new CostReportRequest { By = CostGroupBy.Step }, Day1, null, CancellationToken.None);
        using var writer = new StringWriter();
        await CostReportWriter.WriteCsvAsync(report, writer, CancellationToken.None);

        var group = Assert.Single(report.Groups);
        Assert.Equal((3L, 1L, 0.001m), (group.Calls, group.Escalations, group.EscalatedDollars));
        Assert.EndsWith(",1,0.001", writer.ToString().TrimEnd().Split(Environment.NewLine)[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task WriteCsvAsync_TenantThatReadsAsAFormula_IsWrittenAsText()
    {
        // A tenant is what callers send; "=HYPERLINK(...)" became a live formula in a spreadsheet opening the CSV.
        CostRecord[] records = [CostSamples.Record(tenant: "=HYPERLINK(\"http://x\",\"y\")"), CostSamples.Record(tenant: "-1+2"), CostSamples.Record(tenant: "acme")];
        var report = await CostReport.AggregateAsync(records.ToAsyncEnumerable(), new CostReportRequest { By = CostGroupBy.Tenant }, Day1, null, CancellationToken.None);
        using var writer = new StringWriter();

        await CostReportWriter.WriteCsvAsync(report, writer, CancellationToken.None);

        var text = writer.ToString();
        Assert.Contains("\n\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",", text.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("\n'-1+2,", text.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("\nacme,", text.ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BuildAsync_TenantFilterSpeltOtherwise_FindsTheTenantsRecords()
    {
        // Tenants are recorded lower case (WorkflowRunRequest.TenantOrDefault); a report for "ACME" found nothing.
        var report = await new CostReport(new Budgets.ListLedger(Sample), TimeProvider.System)
            .BuildAsync(new CostReportRequest { By = CostGroupBy.Tenant, Tenant = " ACME" }, null, CancellationToken.None);

        Assert.Equal("acme", Assert.Single(report.Groups).Key);
    }

    [Fact]
    public async Task BuildAsync_WorkflowFilterSpeltOtherwise_FindsTheWorkflowsRecords()
    {
        // Workflow names are lower case (workflows/schema.json); a report for "Support" said nothing was spent.
        var expected = Sample.Where(r => r.Workflow == "support").Sum(r => r.Dollars);

        var report = await new CostReport(new Budgets.ListLedger(Sample), TimeProvider.System)
            .BuildAsync(new CostReportRequest { By = CostGroupBy.Workflow, Workflow = " Support " }, null, CancellationToken.None);

        Assert.Equal("support", Assert.Single(report.Groups).Key);
        Assert.True(expected > 0);
        Assert.Equal(expected, report.Dollars);
    }

    [Fact]
    public async Task ToJson_Report_HasDocumentedShape()
    {
        var report = await ReportAsync(CostGroupBy.Tier);

        using var json = JsonDocument.Parse(CostReportWriter.ToJson(report));

        var root = json.RootElement;
        // "Tier" before: the enum's name, where --by, by= and the groups' keys are lower case.
        Assert.Equal("tier", root.GetProperty("by").GetString());
        Assert.Equal(7, root.GetProperty("records").GetInt64());
        Assert.Equal(0.0228m, root.GetProperty("dollars").GetDecimal());
        // The fields docs/costs.md lists (Reports, the JSON), exactly: scripts read them.
        using var dated = JsonDocument.Parse(CostReportWriter.ToJson(report with { Since = Day1, Until = Day1.AddDays(1) }));
        Assert.Equal(
            ["by", "since", "until", "generatedAt", "records", "dollars", "savedDollars", "unpricedCalls", "unfinishedCalls", "unfinishedMaxDollars", "unfinishedUnpricedCalls", "groups", "workflows", "days", "topSteps"],
            Names(dated.RootElement));
        Assert.Equal(
            ["key", "runs", "runsExact", "calls", "inputTokens", "cachedInputTokens", "outputTokens", "dollars", "savedDollars", "unpricedCalls", "escalations", "escalatedDollars", "cacheHitRate", "gpuSeconds", "unfinishedCalls", "unfinishedMaxDollars", "latencyP50Ms", "latencyP95Ms"],
            Names(root.GetProperty("groups")[0]));
        Assert.Equal(["label", "calls", "dollars", "unpricedCalls"], Names(root.GetProperty("workflows")[0]));
        Assert.Equal(["label", "calls", "dollars", "unpricedCalls"], Names(root.GetProperty("topSteps")[0]));
        Assert.Equal(["date", "calls", "callsByTier", "dollarsByTier", "cacheHits", "savedDollars"], Names(root.GetProperty("days")[0]));
        Assert.Equal(["none", "deterministic", "cheap", "premium", "onnx"], Names(root.GetProperty("days")[0].GetProperty("dollarsByTier")));
        Assert.False(root.TryGetProperty("since", out _)); // left out when not given

        Assert.Equal(2, root.GetProperty("days")[1].GetProperty("callsByTier").GetProperty("onnx").GetInt64());
        Assert.Equal("support", root.GetProperty("workflows")[0].GetProperty("label").GetString());
        Assert.Equal(JsonValueKind.Array, root.GetProperty("topSteps").ValueKind);

        static string[] Names(JsonElement element) => [.. element.EnumerateObject().Select(p => p.Name)];
    }

    [Fact]
    public async Task BuildAsync_SqliteLedger_AppliesPeriod()
    {
        string path = Path.Combine(Path.GetTempPath(), "frugal-report-" + Guid.NewGuid().ToString("N") + ".db");
        using (var ledger = new SqliteCostLedger(path))
        {
            await ledger.AppendAsync(Sample, CancellationToken.None);
            var report = await new CostReport(ledger, TimeProvider.System)
                .BuildAsync(new CostReportRequest { Since = Day1.AddDays(1), Until = Day1.AddDays(2) }, null, CancellationToken.None);

            Assert.Equal(5, report.Records);
            Assert.Equal(Day1.AddDays(1), report.Since);
        }

        File.Delete(path);
    }

    private sealed class SyncProgress(Action<long> report) : IProgress<long>
    {
        public void Report(long value) => report(value);
    }
}
