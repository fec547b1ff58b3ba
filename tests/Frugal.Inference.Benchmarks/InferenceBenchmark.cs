using System.Globalization;
using System.Text.Json;
using Frugal.Onnx.Batching;
using Frugal.Onnx.Models;

namespace Frugal.Inference.Benchmarks;

// Inference benchmark: raw ONNX Runtime vs the service over HTTP loopback, batching on vs off, latency at half load.
// Run: dotnet run -c Release --project tests/Frugal.Inference.Benchmarks [-- --rounds 4 --seconds 2.5]
// The machine is shared, so the phases are measured in interleaved rounds (raw, service, batching on, batching off,
// one after the other, again and again) and each figure is the median of its rounds: a burst of someone else's load
// then hits every figure alike instead of one phase.
internal static class InferenceBenchmark
{
    public static async Task Main(string[] args)
    {
        var rounds = (int)Arg(args, "--rounds", 4);
        var slice = TimeSpan.FromSeconds(Arg(args, "--seconds", 2.5));
        var threads = Environment.ProcessorCount;
        var modelFolder = Path.Combine(AppContext.BaseDirectory, "models", "all-MiniLM-L6-v2");

        var tokenizer = new OnnxModelRegistry(new OnnxOptions { ExecutionProvider = ExecutionProviderPreference.Cpu }, new BatchingOptions());
        tokenizer.Load();
        var texts = BenchmarkTexts.All.Select(tokenizer.Embeddings["all-MiniLM-L6-v2"].Model.Tokenize).ToList();
        await tokenizer.DisposeAsync();
        Console.WriteLine($"all-MiniLM-L6-v2: {texts.Count} texts, {texts.Average(t => t.Ids.Length):0.0} tokens on average; "
            + $"{threads} intra-op threads; {rounds} rounds of {slice.TotalSeconds} s per figure; load average {LoadAverage()}");

        var singles = BenchmarkTexts.All.Select(t => JsonSerializer.SerializeToUtf8Bytes(new { input = t })).ToList();
        var batches32 = Enumerable.Range(0, 4).Select(b => JsonSerializer.SerializeToUtf8Bytes(new { input = BenchmarkTexts.All.Skip(b * 32).Take(32) })).ToList();

        using var raw = new RawOnnxBenchmark(Path.Combine(modelFolder, "model.onnx"), texts, threads);
        await using var on = new BenchmarkService(Settings(batching: true, threads));
        await using var off = new BenchmarkService(Settings(batching: false, threads));
        var clientOn = await on.StartAsync();
        var loadOn = new HttpLoad(clientOn);
        var loadOff = new HttpLoad(await off.StartAsync());
        using var health = JsonDocument.Parse(await clientOn.GetStringAsync(new Uri("/healthz", UriKind.Relative)));
        var provider = health.RootElement.GetProperty("provider").GetString();
        await loadOn.ClosedLoopAsync(4, batches32, 32, TimeSpan.FromSeconds(1));
        await loadOff.ClosedLoopAsync(32, singles, 1, TimeSpan.FromSeconds(1));

        var raw1 = new List<double>();
        var raw32 = new List<double>();
        var saturated = new List<double>();
        var batchedSingles = new List<double>();
        var unbatchedSingles = new List<double>();
        for (var round = 1; round <= rounds; round++)
        {
            raw1.Add(raw.Measure(1, slice));
            raw32.Add(raw.Measure(32, slice));
            saturated.Add(await loadOn.ClosedLoopAsync(4, batches32, 32, slice));
            batchedSingles.Add(await loadOn.ClosedLoopAsync(32, singles, 1, slice));
            unbatchedSingles.Add(await loadOff.ClosedLoopAsync(32, singles, 1, slice));
            Console.WriteLine($"round {round}: raw b1 {raw1[^1]:0}, raw b32 {raw32[^1]:0}, http saturated {saturated[^1]:0}, "
                + $"32 singles on {batchedSingles[^1]:0}, off {unbatchedSingles[^1]:0} (per s); load average {LoadAverage()}");
        }

        var halfRate = Median(batchedSingles) / 2;
        var (achieved, p50, p99) = await loadOn.OpenLoopAsync(halfRate, singles, slice * 3);

        Console.WriteLine();
        Console.WriteLine($"Execution provider: {provider}. Figures are medians of {rounds} interleaved rounds.");
        Console.WriteLine($"| {"Figure",-58} | {"Value",9} | {"Target",8} | {"Result",6} |");
        Console.WriteLine($"|{new string('-', 60)}|{new string('-', 11)}|{new string('-', 10)}|{new string('-', 8)}|");
        Row("raw ONNX Runtime Run, batch 1 (sentences/s)", Median(raw1), null);
        Row("raw ONNX Runtime Run, batch 32 (sentences/s)", Median(raw32), null);
        Row("HTTP saturated, 4 clients x 32 texts (embeddings/s)", Median(saturated), null);
        Row("HTTP saturated / raw batch 32", Median(saturated) / Median(raw32), (">= 0.8", Median(saturated) / Median(raw32) >= 0.8));
        Row("HTTP, 32 single-text clients, batching on (emb/s)", Median(batchedSingles), null);
        Row("HTTP, 32 single-text clients, batching off (emb/s)", Median(unbatchedSingles), null);
        Row("batching on / off", Median(batchedSingles) / Median(unbatchedSingles), (">= 1.5", Median(batchedSingles) / Median(unbatchedSingles) >= 1.5));

        // Batching on can at best reach raw batch-32 throughput, so raw batch 32 over batching off bounds the ratio above.
        Row("ceiling on this CPU: raw batch 32 / batching off", Median(raw32) / Median(unbatchedSingles), null);
        Row($"open loop at {achieved:0}/s (half the batching-on rate): p50 ms", p50, null);
        Row("open loop p99 ms", p99, null);
        Row("p99 / p50", p99 / p50, ("<= 3", p99 / p50 <= 3));
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    private static double Arg(string[] args, string name, double fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? double.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "n/a";

    private static void Row(string name, double value, (string Target, bool Pass)? target) =>
        Console.WriteLine($"| {name,-58} | {value,9:0.00} | {target?.Target ?? "",8} | {(target is null ? "" : target.Value.Pass ? "PASS" : "MISS"),6} |");

    private static Dictionary<string, string?> Settings(bool batching, int threads) => new()
    {
        ["Onnx:IntraOpThreads"] = threads.ToString(CultureInfo.InvariantCulture),
        ["Onnx:Batching:Enabled"] = batching ? "true" : "false",
    };
}
