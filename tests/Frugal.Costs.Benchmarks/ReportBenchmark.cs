using System.Diagnostics;
using Frugal.Costs.Reports;
using Microsoft.Data.Sqlite;

namespace Frugal.Costs.Benchmarks;

/// <summary>
/// Generates N cost records into SQLite once (kept in the temp folder for later runs), then times reports over all
/// of them and over a tenth, sampling the managed heap to show memory does not grow with the record count.
/// </summary>
internal static class ReportBenchmark
{
    private const double TargetSeconds = 5.0;
    private static readonly string[] Workflows = ["support", "triage", "digest", "extract", "translate"];
    private static readonly string[] Models = ["gpt-4o-mini", "gpt-4o", "gpt-4.1-mini", "minilm-onnx"];
    internal static readonly DateTimeOffset Start = new(2025, 5, 1, 0, 0, 0, TimeSpan.Zero);

    public static async Task<bool> RunAsync(string folder, int records)
    {
        string path = Path.Combine(folder, $"report-v2-{records}.db");
        using var ledger = new SqliteCostLedger(path);
        if (await CountAsync(path) != records)
        {
            Console.WriteLine($"generating {records:N0} cost records into {path} (once; kept for later runs)...");
            var generate = Stopwatch.StartNew();
            await GenerateAsync(ledger, records);
            Console.WriteLine($"generated in {generate.Elapsed.TotalSeconds:0.0} s ({new FileInfo(path).Length / 1048576.0:0} MiB)");
        }

        Console.WriteLine($"Report over SQLite, target <= {TargetSeconds} s for 1,000,000 records, memory bounded");
        Console.WriteLine($"{"report",-28} {"records",10} {"seconds",8} {"rec/s",10} {"peak heap MiB",14} {"allocated MiB",14}");
        var report = new CostReport(ledger, TimeProvider.System);
        var tenth = new CostReportRequest { By = CostGroupBy.Workflow, Until = Start.AddDays(3) };
        var (_, _, tenthPeak) = await MeasureAsync("by workflow, first 3 days", report, tenth);
        var (seconds, count, fullPeak) = await MeasureAsync("by workflow, all", report, new CostReportRequest { By = CostGroupBy.Workflow });
        await MeasureAsync("by step, all", report, new CostReportRequest { By = CostGroupBy.Step });
        bool fast = seconds <= TargetSeconds * records / 1_000_000.0;
        bool bounded = fullPeak <= tenthPeak * 2 + 16;
        Console.WriteLine($"report time {seconds:0.00} s for {count:N0} records (target <= {TargetSeconds} s per million): {Percentiles.Verdict(fast)}");
        Console.WriteLine($"peak managed heap {fullPeak:0.0} MiB for all records vs {tenthPeak:0.0} MiB for a tenth (streams: no growth with records): {Percentiles.Verdict(bounded)}");
        return fast && bounded;
    }

    private static async Task<(double Seconds, long Records, double PeakMiB)> MeasureAsync(string name, CostReport report, CostReportRequest request)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        long allocatedBefore = GC.GetTotalAllocatedBytes();
        long peak = GC.GetTotalMemory(false);
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                peak = Math.Max(peak, GC.GetTotalMemory(false));
                await Task.Delay(5).ConfigureAwait(false);
            }
        });
        var watch = Stopwatch.StartNew();
        var result = await report.BuildAsync(request, null, CancellationToken.None);
        watch.Stop();
        await stop.CancelAsync();
        await sampler;
        double peakMiB = peak / 1048576.0;
        double allocatedMiB = (GC.GetTotalAllocatedBytes() - allocatedBefore) / 1048576.0;
        Console.WriteLine($"{name,-28} {result.Records,10:N0} {watch.Elapsed.TotalSeconds,8:0.00} {result.Records / watch.Elapsed.TotalSeconds,10:N0} {peakMiB,14:0.0} {allocatedMiB,14:0}");
        return (watch.Elapsed.TotalSeconds, result.Records, peakMiB);
    }

    private static async Task<long> CountAsync(string path)
    {
        await using var connection = new SqliteConnection($"Data Source={path}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM cost_records";
        try
        {
            return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (SqliteException)
        {
            return -1;
        }
    }

    private static async Task GenerateAsync(SqliteCostLedger ledger, int records)
    {
        var random = new Random(42);
        var prices = PriceTable.LoadDefault();
        var batch = new List<CostRecord>(20_000);
        for (int i = 0; i < records; i++)
        {
            batch.Add(Sample(i, records, TimeSpan.FromDays(30), tenants: 50, random, prices));
            if (batch.Count == batch.Capacity)
            {
                await ledger.AppendAsync(batch, CancellationToken.None);
                batch.Clear();
            }
        }

        await ledger.AppendAsync(batch, CancellationToken.None);
    }

    /// <summary>
    /// Record <paramref name="i"/> of <paramref name="records"/> spread evenly over <paramref name="span"/> from the first
    /// day: six steps per run, the runs' workflows and tenants in turn, a random model, usage and cache outcome.
    /// </summary>
    internal static CostRecord Sample(int i, int records, TimeSpan span, int tenants, Random random, PriceTable prices)
    {
        int run = i / 6;
        string workflow = Workflows[run % Workflows.Length];
        string model = Models[random.Next(Models.Length)];
        var tier = model switch { "gpt-4o" => CostTier.Premium, "minilm-onnx" => CostTier.Onnx, _ => CostTier.Cheap };
        var cache = random.Next(10) < 3 ? CacheOutcome.Exact : CacheOutcome.None;
        var usage = new TokenUsage(random.Next(200, 4000), random.Next(0, 200), random.Next(50, 800), 0);
        var price = prices.Price(model, usage);
        var started = Start.AddSeconds((long)span.TotalSeconds * i / records);
        double latency = tier == CostTier.Onnx ? 20 + random.Next(40) : 300 + random.Next(2000);
        return new CostRecord
        {
            RunId = "run-" + run.ToString("D8", System.Globalization.CultureInfo.InvariantCulture),
            Workflow = workflow,
            WorkflowVersion = "v1",
            StepId = "step" + (i % 6),
            Activity = "RunModelStep",
            Tenant = "tenant-" + (run % tenants),
            Tier = tier,
            Provider = tier == CostTier.Onnx ? "onnx" : "azure-openai",
            Model = model,
            InputTokens = usage.InputTokens,
            CachedInputTokens = usage.CachedInputTokens,
            OutputTokens = usage.OutputTokens,
            Dollars = cache == CacheOutcome.None ? price.Dollars : 0m,
            SavedDollars = cache == CacheOutcome.None ? 0m : price.Dollars,
            PriceTableVersion = prices.Version,
            Priced = price.Priced,
            Cache = cache,
            GpuSeconds = tier == CostTier.Onnx ? 0.02 : 0,
            LatencyMs = latency,
            StartedAt = started,
            CompletedAt = started.AddMilliseconds(latency),
            PromptHash = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
            AnswerHash = "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210",
        };
    }
}
