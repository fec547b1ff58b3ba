using System.Diagnostics;
using Microsoft.Extensions.Options;

namespace Frugal.Costs.Benchmarks;

/// <summary>
/// Latency of a simulated activity (price the call, hash prompt and answer, build the record) with and without
/// awaiting <see cref="CostRecorder.RecordAsync"/> into a SQLite ledger with synchronous=FULL.
/// </summary>
internal static class RecordingBenchmark
{
    private const double TargetP50Ms = 2.0;

    public static async Task<bool> RunAsync(string folder)
    {
        Console.WriteLine("Recording overhead per activity (SQLite ledger, WAL, synchronous=FULL, group commit)");
        Console.WriteLine($"{"concurrency",-12} {"activities",10} {"base p50",9} {"base p99",9} {"rec p50",9} {"rec p99",9} {"+p50 ms",9} {"+p99 ms",9}  target +p50 <= {TargetP50Ms} ms");
        bool pass = true;
        foreach (int concurrency in new[] { 1, 16, 64 })
        {
            int activities = concurrency == 1 ? 2_000 : 20_000;
            string path = Path.Combine(folder, $"recording-{concurrency}-{Guid.NewGuid():N}.db");
            using var ledger = new SqliteCostLedger(path);
            await using var recorder = new CostRecorder(ledger, Options.Create(new CostsOptions()));
            await RunActivitiesAsync(null, 200, concurrency, "warmup");
            await RunActivitiesAsync(recorder, 200, concurrency, "warmup");
            double[] baseline = await RunActivitiesAsync(null, activities, concurrency, "base");
            double[] recorded = await RunActivitiesAsync(recorder, activities, concurrency, "rec");
            double p50 = Percentiles.Of(recorded, 0.50) - Percentiles.Of(baseline, 0.50);
            double p99 = Percentiles.Of(recorded, 0.99) - Percentiles.Of(baseline, 0.99);
            bool ok = p50 <= TargetP50Ms;
            pass &= ok;
            Console.WriteLine($"{concurrency,-12} {activities,10} {Percentiles.Of(baseline, 0.5),9:0.000} {Percentiles.Of(baseline, 0.99),9:0.000} {Percentiles.Of(recorded, 0.5),9:0.000} {Percentiles.Of(recorded, 0.99),9:0.000} {p50,9:0.000} {p99,9:0.000}  {Percentiles.Verdict(ok)}");
            await recorder.DisposeAsync();
            ledger.Dispose();
            foreach (string file in Directory.GetFiles(folder, Path.GetFileName(path) + "*"))
            {
                File.Delete(file);
            }
        }

        return pass;
    }

    private static async Task<double[]> RunActivitiesAsync(CostRecorder? recorder, int activities, int concurrency, string prefix)
    {
        var prices = PriceTable.LoadDefault();
        var latencies = new double[activities];
        int next = -1;
        string run = prefix + Guid.NewGuid().ToString("N");
        var workers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < activities)
            {
                long start = Stopwatch.GetTimestamp();
                await Task.Yield(); // the activity's own awaited work (a model call in real life) is not measured here
                var usage = new TokenUsage(1200, 300, 250, 0);
                var price = prices.Price("gpt-4o-mini", usage);
                var record = new CostRecord
                {
                    RunId = run,
                    Workflow = "support",
                    StepId = "answer[" + i + "]",
                    Activity = "RunModelStep",
                    Tenant = "acme",
                    Tier = CostTier.Cheap,
                    Provider = "azure-openai",
                    Model = "gpt-4o-mini",
                    InputTokens = usage.InputTokens,
                    CachedInputTokens = usage.CachedInputTokens,
                    OutputTokens = usage.OutputTokens,
                    Dollars = price.Dollars,
                    PriceTableVersion = price.PriceTableVersion,
                    Priced = price.Priced,
                    PromptHash = CostRecord.HashText("Summarise the ticket " + i),
                    AnswerHash = CostRecord.HashText("The customer asks about invoice " + i),
                };
                if (recorder is not null)
                {
                    await recorder.RecordAsync(record, CancellationToken.None);
                }

                latencies[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }
        })).ToArray();
        await Task.WhenAll(workers);
        Array.Sort(latencies);
        return latencies;
    }
}
