using System.Globalization;
using System.Net.Sockets;
using System.Runtime;
using Frugal.Benchmarks;
using Frugal.Hosting.Durable;
using Spectre.Console;

// Engine throughput (activities/s) for Frugal and the raw Durable Task SDK on the same backends, then the time the
// README's first command takes to print its first result. Figures only: nothing here is asserted.
var root = FindRoot();
if (Console.IsOutputRedirected)
{
    // Saved to a file, the table keeps its columns rather than wrapping them at 80 characters.
    AnsiConsole.Profile.Width = 160;
}

var quick = args.Contains("--quick");
var embeddedOnly = args.Contains("--embedded-only");
var typedRaw = args.Contains("--typed-raw");
var rounds = quick ? 3 : 9;
var warmUp = TimeSpan.FromSeconds(quick ? 3 : 15);

// A round that compiles fewer methods than this is taken as settled (the first rounds after the warm-up compile
// thousands; settled ones a few dozen, mostly each new host's own).
const int SettledMethodsPerRound = 150;
const int MaxSettlingRounds = 12;
if (args.Contains("--latency"))
{
    var bench = new EngineBenchmark(new LocalHostOptions(), recordCosts: false);
    for (var i = 0; i < 3; i++)
    {
        var f = await bench.RunFrugalAsync(1, 0);
        var r = await bench.RunRawAsync(1, 0);
        AnsiConsole.MarkupLine($"one chain run: frugal {1000 * 10 / f.Chain:0} ms, raw {1000 * 10 / r.Chain:0} ms");
    }

    return 0;
}

// The orchestrator side alone, one thread, no transport: repeatable within a few per cent.
if (args.Contains("--replay"))
{
    ReplayBenchmark.Run();
    return 0;
}

// For a profiler (dotnet-trace, perf): one engine's chain (or, with --fanout, foreach; with --independent, the ten
// independent steps), warmed up, long enough to sample (`--rounds N` repeats the measurement on fresh hosts). With
// many rounds (100 or more) the later ones are steady: one engine alone in the process, the JIT long since done; the
// median of the second half is printed.
if (args.Contains("--profile-raw") || args.Contains("--profile-frugal") || args.Contains("--profile-typed"))
{
    var profiled = new EngineBenchmark(new LocalHostOptions(), recordCosts: args.Contains("--with-ledger"));
    await profiled.WarmUpAsync(TimeSpan.FromSeconds(10));
    var fanOut = args.Contains("--fanout");
    var independent = args.Contains("--independent");
    var (chains, fanOuts, independents) = fanOut ? (0, 40, 0) : independent ? (0, 0, 400) : (400, 0, 0);
    var workload = fanOut ? "foreach" : independent ? "independent steps" : "chain";
    var profileRounds = args.SkipWhile(a => a != "--rounds").Skip(1).Select(int.Parse).FirstOrDefault(1);
    var measured = new List<Measurement>();
    for (var round = 1; round <= profileRounds; round++)
    {
        var compiled = JitInfo.GetCompiledMethodCount();
        var m = args.Contains("--profile-raw") ? await profiled.RunRawAsync(chains, fanOuts, independentRuns: independents)
            : args.Contains("--profile-typed") ? await profiled.RunRawAsync(chains, fanOuts, typed: true)
            : await profiled.RunFrugalAsync(chains, fanOuts, independents);
        measured.Add(m);
        AnsiConsole.MarkupLine($"round {round}: {workload} {Rate(m):0} activities/s, {Cpu(m):0} us of CPU per activity, {JitInfo.GetCompiledMethodCount() - compiled} methods compiled");
    }

    var steady = Measurement.Median(measured[(measured.Count / 2)..]);
    AnsiConsole.MarkupLine($"median of rounds {(measured.Count / 2) + 1}-{measured.Count}: {workload} {Rate(steady):0} activities/s, {Cpu(steady):0} us of CPU per activity");
    double Rate(Measurement m) => fanOut ? m.FanOut : independent ? m.Independent : m.Chain;
    double Cpu(Measurement m) => fanOut ? m.FanOutCpuUs : independent ? m.IndependentCpuUs : m.ChainCpuUs;
    return 0;
}

var table = new Table().Title("Engine throughput, activities per second (higher is better)");
table.AddColumns("Backend", "Workload", "Frugal", "Frugal, no cost ledger", "Raw SDK", "Frugal / raw", "CPU us/activity: Frugal, no ledger, raw", "Targets");

var backends = new List<(string Name, LocalHostOptions Options, int ChainRuns, int FanOutRuns)>
{
    ("embedded", new LocalHostOptions(), quick ? 40 : 400, quick ? 4 : 40),
};
if (embeddedOnly)
{
    AnsiConsole.MarkupLine("[grey]--embedded-only: the Azure Storage backend and the README timing are skipped.[/]");
}
else if (await AzuriteAnswersAsync())
{
    backends.Add(("Azure Storage (Azurite)", new LocalHostOptions
    {
        Backend = DurableBackendKind.AzureStorage,
        StorageConnectionString = "UseDevelopmentStorage=true",
    }, quick ? 5 : 20, quick ? 1 : 6));
}
else
{
    AnsiConsole.MarkupLine("[yellow]Azurite is not answering on 127.0.0.1:10000-10002; the Azure Storage backend is skipped (bash eng/services.sh start).[/]");
}

string? typedLine = null;
AnsiConsole.MarkupLine($"[grey]Warming up both engines for {warmUp.TotalSeconds:0} s (tiered JIT) ...[/]");
await new EngineBenchmark(new LocalHostOptions(), recordCosts: true).WarmUpAsync(warmUp);
var jitLines = new List<string>();
foreach (var (name, options, chainRuns, fanOutRuns) in backends)
{
    var backendRounds = options.Backend == DurableBackendKind.Embedded ? rounds : Math.Min(rounds, 3);
    if (options.Backend == DurableBackendKind.Embedded)
    {
        // Unmeasured rounds, exactly like the measured ones, until one of them compiles almost nothing: the JIT
        // keeps promoting hot code for a minute or more after the warm-up, and every fresh host adds code of its
        // own, which put up to half of a round's CPU time into the compiler (see docs/engine.md).
        var settling = new List<long>();
        do
        {
            var before = JitInfo.GetCompiledMethodCount();
            await RoundAsync(options, chainRuns, fanOutRuns, typedRaw);
            settling.Add(JitInfo.GetCompiledMethodCount() - before);
        }
        while (settling[^1] > SettledMethodsPerRound && settling.Count < (quick ? 2 : MaxSettlingRounds));
        AnsiConsole.MarkupLine($"[grey]{name}: {settling.Count} unmeasured rounds until the JIT settled (methods compiled per round: {string.Join(", ", settling)})[/]");
    }

    var jitBefore = JitInfo.GetCompilationTime();
    var cpuBefore = Environment.CpuUsage.TotalTime;
    AnsiConsole.MarkupLine($"[grey]{name}: median of {backendRounds} interleaved rounds of {chainRuns} runs of {EngineWorkloads.ChainSteps} independent steps, {chainRuns} of {EngineWorkloads.ChainSteps} chained steps, {fanOutRuns} of a {EngineWorkloads.FanOutItems}-item foreach ...[/]");
    // Interleaved rounds, each engine on a fresh host, the median of each figure.
    List<Measurement> raws = [], frugals = [], bares = [], typedRaws = [];
    var withTyped = typedRaw && options.Backend == DurableBackendKind.Embedded;
    for (var round = 0; round < backendRounds; round++)
    {
        var (r, f, b, t) = await RoundAsync(options, chainRuns, fanOutRuns, withTyped);
        raws.Add(r);
        frugals.Add(f);
        bares.Add(b);
        if (t is { } typedRound)
        {
            typedRaws.Add(typedRound);
        }
    }

    var jitShare = (JitInfo.GetCompilationTime() - jitBefore) / (Environment.CpuUsage.TotalTime - cpuBefore);
    jitLines.Add($"{name}: the JIT took {jitShare:P1} of the CPU time of the measured rounds");
    var (raw, frugal, bare) = (Measurement.Median(raws), Measurement.Median(frugals), Measurement.Median(bares));
    if (withTyped)
    {
        // The raw SDK again, but carrying Frugal's StepRequest/StepResponse through an activity that does nothing.
        var typed = Measurement.Median(typedRaws);
        typedLine = $"raw SDK carrying Frugal's activity messages ({name}): 10 chained steps {F(typed.Chain)}/s, {F(typed.ChainCpuUs)} us CPU/activity; " +
            $"100-item foreach {F(typed.FanOut)}/s, {F(typed.FanOutCpuUs)} us CPU/activity";
    }

    var rows = new[]
    {
        ("10 independent no-op steps", frugal.Independent, bare.Independent, raw.Independent, $"{F(frugal.IndependentCpuUs)}, {F(bare.IndependentCpuUs)}, {F(raw.IndependentCpuUs)}"),
        ("10 chained no-op steps", frugal.Chain, bare.Chain, raw.Chain, $"{F(frugal.ChainCpuUs)}, {F(bare.ChainCpuUs)}, {F(raw.ChainCpuUs)}"),
        ("100-item foreach", frugal.FanOut, bare.FanOut, raw.FanOut, $"{F(frugal.FanOutCpuUs)}, {F(bare.FanOutCpuUs)}, {F(raw.FanOutCpuUs)}"),
    };
    foreach (var (workload, f, b, r, cpu) in rows)
    {
        var ratio = f / r;
        var targets = $"{Verdict(ratio >= 0.8)} >= 0.8x raw" + (name == "embedded" ? $", {Verdict(f >= 100)} >= 100/s" : string.Empty);
        table.AddRow(name, workload, F(f), F(b), F(r), ratio.ToString("0.00", CultureInfo.InvariantCulture) + "x", cpu, targets);
    }
}

AnsiConsole.Write(table);
foreach (var line in jitLines)
{
    AnsiConsole.MarkupLine($"[grey]{line}[/]");
}

if (typedLine is not null)
{
    AnsiConsole.WriteLine(typedLine);
}

if (embeddedOnly)
{
    return 0;
}

var dll = Path.Combine(AppContext.BaseDirectory, "frugal.dll");
var readme = "run workflows/support-triage.yaml --input workflows/samples/support-triage.jsonl";
var direct = await FirstResultBenchmark.MeasureAsync(root, "dotnet", $"\"{dll}\" {readme}");
AnsiConsole.MarkupLine($"README first command (built frugal.dll): first result after [bold]{direct.FirstResult:0.00} s[/], all 9 runs done after {direct.Total:0.00} s; {Verdict(direct.FirstResult < 10)} target < 10 s");
if (!quick)
{
    // "Once built": the first `dotnet run` may compile; the figure is the second, whose build check finds nothing to do.
    await FirstResultBenchmark.MeasureAsync(root, "dotnet", $"run --project src/Frugal.Cli -- {readme}");
    var viaRun = await FirstResultBenchmark.MeasureAsync(root, "dotnet", $"run --project src/Frugal.Cli -- {readme}");
    AnsiConsole.MarkupLine($"README first command as written (dotnet run, incremental build check included): first result after [bold]{viaRun.FirstResult:0.00} s[/]; {Verdict(viaRun.FirstResult < 10)} target < 10 s");
}

return 0;

// One round: each engine on a fresh host (the raw SDK, Frugal with its cost ledger, Frugal without, and with
// typed, the raw SDK carrying Frugal's messages).
static async Task<(Measurement Raw, Measurement Frugal, Measurement Bare, Measurement? Typed)> RoundAsync(
    LocalHostOptions options, int chainRuns, int fanOutRuns, bool typed)
{
    // The independent steps run as many times as the chain: the same ten activities per run, another shape.
    var raw = await new EngineBenchmark(options, recordCosts: false).RunRawAsync(chainRuns, fanOutRuns, independentRuns: chainRuns);
    var frugal = await new EngineBenchmark(options, recordCosts: true).RunFrugalAsync(chainRuns, fanOutRuns, chainRuns);
    var bare = await new EngineBenchmark(options, recordCosts: false).RunFrugalAsync(chainRuns, fanOutRuns, chainRuns);
    Measurement? typedRaw = typed ? await new EngineBenchmark(options, recordCosts: false).RunRawAsync(chainRuns, fanOutRuns, typed: true) : null;
    return (raw, frugal, bare, typedRaw);
}

static string F(double value) => value.ToString("0", CultureInfo.InvariantCulture);

static string Verdict(bool pass) => pass ? "PASS" : "MISS";

static async Task<bool> AzuriteAnswersAsync()
{
    foreach (var port in new[] { 10000, 10001, 10002 })
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync("127.0.0.1", port).WaitAsync(TimeSpan.FromSeconds(1));
        }
        catch (Exception ex) when (ex is SocketException or TimeoutException)
        {
            return false;
        }
    }

    return true;
}

static string FindRoot()
{
    var dir = new DirectoryInfo(AppContext.BaseDirectory);
    while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Functions.sln")))
    {
        dir = dir.Parent;
    }

    return dir?.FullName ?? throw new InvalidOperationException("Functions.sln not found");
}
