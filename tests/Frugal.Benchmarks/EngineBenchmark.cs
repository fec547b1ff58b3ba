using System.Diagnostics;
using System.Text.Json.Nodes;
using Frugal.Engine;
using Frugal.Hosting.Durable;
using Frugal.Workflows;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Frugal.Benchmarks;

/// <summary>One engine's figures on one host: rates and CPU per activity for both workloads.</summary>
/// <param name="Chain">Activities per second, 10 chained steps.</param>
/// <param name="FanOut">Activities per second, a 100-item foreach.</param>
/// <param name="ChainCpuUs">Process CPU time per activity in the chain, microseconds (both cores together).</param>
/// <param name="FanOutCpuUs">Process CPU time per activity in the foreach, microseconds.</param>
/// <param name="Independent">Activities per second, 10 independent steps (0 when not measured).</param>
/// <param name="IndependentCpuUs">Process CPU time per activity of the independent steps, microseconds.</param>
internal readonly record struct Measurement(double Chain, double FanOut, double ChainCpuUs, double FanOutCpuUs, double Independent = 0, double IndependentCpuUs = 0)
{
    /// <summary>
    /// The median of each figure over rounds. Rounds on this 2-core machine are spread widely and not one-sidedly
    /// (the same engine on a fresh host ranges over 2x between rounds), so the middle round says more than the best.
    /// </summary>
    public static Measurement Median(IReadOnlyList<Measurement> rounds) => new(
        Middle(rounds.Select(r => r.Chain)),
        Middle(rounds.Select(r => r.FanOut)),
        Middle(rounds.Select(r => r.ChainCpuUs)),
        Middle(rounds.Select(r => r.FanOutCpuUs)),
        Middle(rounds.Select(r => r.Independent)),
        Middle(rounds.Select(r => r.IndependentCpuUs)));

    /// <summary>The median of <paramref name="values"/> (0 when there are none).</summary>
    public static double Middle(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? 0 : sorted.Length % 2 == 1
            ? sorted[sorted.Length / 2]
            : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}

/// <summary>Activities per second of Frugal's engine and of the raw SDK, on the same backend in the same process.</summary>
internal sealed class EngineBenchmark
{
    private readonly LocalHostOptions _options;
    private readonly bool _recordCosts;

    public EngineBenchmark(LocalHostOptions options, bool recordCosts)
    {
        _options = options;
        _recordCosts = recordCosts;
    }

    public async Task<Measurement> RunFrugalAsync(int chainRuns, int fanOutRuns, int independentRuns = 0)
    {
        await using var lease = await StartAsync();
        var host = lease.Host;
        var chain = EngineWorkloads.Chain();
        var fanOut = EngineWorkloads.FanOut();
        var independent = EngineWorkloads.Independent();
        await RunFrugalAsync(host, chain, WarmUpRuns(chainRuns), i => new JsonObject { ["n"] = $"warm-up-{i}" });
        await RunFrugalAsync(host, fanOut, WarmUpRuns(fanOutRuns), _ => EngineWorkloads.FanOutInput());
        await RunFrugalAsync(host, independent, WarmUpRuns(independentRuns), i => new JsonObject { ["n"] = $"warm-up-{i}" });
        var (chainRate, chainCpu) = await MeasureAsync(chainRuns, EngineWorkloads.ChainSteps, () =>
            RunFrugalAsync(host, chain, chainRuns, i => new JsonObject { ["n"] = $"run-{i}" }));
        var (fanOutRate, fanOutCpu) = await MeasureAsync(fanOutRuns, EngineWorkloads.FanOutItems, () =>
            RunFrugalAsync(host, fanOut, fanOutRuns, _ => EngineWorkloads.FanOutInput()));
        var (independentRate, independentCpu) = await MeasureAsync(independentRuns, EngineWorkloads.ChainSteps, () =>
            RunFrugalAsync(host, independent, independentRuns, i => new JsonObject { ["n"] = $"run-{i}" }));
        return new Measurement(chainRate, fanOutRate, chainCpu, fanOutCpu, independentRate, independentCpu);
    }

    /// <summary>The raw SDK's figures; <paramref name="typed"/> carries Frugal's message types instead of strings.</summary>
    public async Task<Measurement> RunRawAsync(int chainRuns, int fanOutRuns, bool typed = false, int independentRuns = 0)
    {
        await using var lease = await StartAsync();
        var host = lease.Host;
        var (chain, fanOut) = typed ? (RawSdkTasks.TypedChain, RawSdkTasks.TypedFanOut) : (RawSdkTasks.Chain, RawSdkTasks.FanOut);
        await RunRawAsync(host.Client, chain, WarmUpRuns(chainRuns));
        await RunRawAsync(host.Client, fanOut, WarmUpRuns(fanOutRuns));
        await RunRawAsync(host.Client, RawSdkTasks.Independent, WarmUpRuns(independentRuns));
        var (chainRate, chainCpu) = await MeasureAsync(chainRuns, EngineWorkloads.ChainSteps, () =>
            RunRawAsync(host.Client, chain, chainRuns));
        var (fanOutRate, fanOutCpu) = await MeasureAsync(fanOutRuns, EngineWorkloads.FanOutItems, () =>
            RunRawAsync(host.Client, fanOut, fanOutRuns));
        var (independentRate, independentCpu) = await MeasureAsync(independentRuns, EngineWorkloads.ChainSteps, () =>
            RunRawAsync(host.Client, RawSdkTasks.Independent, independentRuns));
        return new Measurement(chainRate, fanOutRate, chainCpu, fanOutCpu, independentRate, independentCpu);
    }

    /// <summary>
    /// Runs both engines, alternately, on one host for <paramref name="duration"/> before anything is measured. The
    /// JIT recompiles hot code with full optimisation (and profile-guided) only after it has run a while; measured
    /// cold, both engines run slower code and share the two cores with the compiler, and the engine with more code
    /// (Frugal) pays more of that. Measured warm, the figures are what a long-running host sees. The warm-up host
    /// records costs (when this benchmark does), so the ledger's code (SQLite among it) is warm too, not compiled
    /// during the rounds that record costs.
    /// </summary>
    public async Task WarmUpAsync(TimeSpan duration)
    {
        await using var lease = await StartAsync();
        var host = lease.Host;
        var chain = EngineWorkloads.Chain();
        var fanOut = EngineWorkloads.FanOut();
        var independent = EngineWorkloads.Independent();
        var clock = Stopwatch.StartNew();
        do
        {
            await RunRawAsync(host.Client, RawSdkTasks.Chain, 100);
            await RunRawAsync(host.Client, RawSdkTasks.Independent, 100);
            await RunRawAsync(host.Client, RawSdkTasks.FanOut, 2);
            await RunRawAsync(host.Client, RawSdkTasks.TypedChain, 20);
            await RunRawAsync(host.Client, RawSdkTasks.TypedFanOut, 1);
            await RunFrugalAsync(host, chain, 100, i => new JsonObject { ["n"] = $"warm-up-{i}" });
            await RunFrugalAsync(host, independent, 100, i => new JsonObject { ["n"] = $"warm-up-{i}" });
            await RunFrugalAsync(host, fanOut, 2, _ => EngineWorkloads.FanOutInput());
        }
        while (clock.Elapsed < duration);
    }

    /// <summary>
    /// The runs each fresh host does, unmeasured, before a workload is measured: a quarter of the measured runs. Each
    /// new host compiles code of its own (dependency-injection factories, ASP.NET endpoints: about 11,000 methods
    /// went through the JIT during the rounds of one benchmark run, after the 15 s warm-up), and each workload's first
    /// runs on it hit paths the warm-up host never took; measured from the first run, that went into the figures of
    /// whichever engine the host ran. A long-running host pays it once.
    /// </summary>
    private static int WarmUpRuns(int measuredRuns) => measuredRuns == 0 ? 0 : Math.Max(1, measuredRuns / 4);

    /// <summary>Activities per second over <paramref name="run"/>, and the process's CPU time per activity in microseconds.</summary>
    private static async Task<(double Rate, double CpuUs)> MeasureAsync(int runs, int activitiesPerRun, Func<Task<double>> run)
    {
        if (runs == 0)
        {
            return (0, 0);
        }

        var cpu = Environment.CpuUsage.TotalTime;
        var runsPerSecond = await run();
        var used = Environment.CpuUsage.TotalTime - cpu;
        return (runsPerSecond * activitiesPerRun, used.TotalMicroseconds / (runs * activitiesPerRun));
    }

    private async Task<HostLease> StartAsync()
    {
        var options = new LocalHostOptions
        {
            Backend = _options.Backend,
            StorageConnectionString = _options.StorageConnectionString,
            TaskHub = _options.Backend == DurableBackendKind.AzureStorage ? $"bench{Guid.NewGuid():N}"[..20] : _options.TaskHub,
            PartitionCount = _options.PartitionCount,
        };
        var ledgerFolder = _recordCosts ? Path.Combine(Path.GetTempPath(), $"frugal-bench-{Guid.NewGuid():N}") : null;
        var host = await FrugalLocalHost.StartAsync(
            options,
            services =>
            {
                services.AddFrugalEngine();
                if (ledgerFolder is not null)
                {
                    var configuration = new ConfigurationBuilder()
                        .AddInMemoryCollection(new Dictionary<string, string?> { ["Frugal:Costs:SqlitePath"] = Path.Combine(ledgerFolder, "costs.db") })
                        .Build();
                    services.AddFrugalCosts(configuration);
                }
            },
            registerTasks: RawSdkTasks.Register);
        return new HostLease(host, ledgerFolder);
    }

    /// <summary>Starts the runs together and returns runs per second from the first start to the last completion.</summary>
    private static async Task<double> RunFrugalAsync(FrugalLocalHost host, WorkflowDefinition definition, int runs, Func<int, JsonNode> input)
    {
        var client = host.Client;
        var clock = Stopwatch.StartNew();
        var ids = new List<string>(runs);
        for (var i = 0; i < runs; i++)
        {
            ids.Add(await WorkflowStarter.StartAsync(client, definition, input(i), instanceId: host.NewRunId()));
        }

        await WaitAllAsync(client, ids);
        return runs / clock.Elapsed.TotalSeconds;
    }

    private static async Task<double> RunRawAsync(DurableTaskClient client, string orchestrator, int runs)
    {
        var clock = Stopwatch.StartNew();
        var ids = new List<string>(runs);
        for (var i = 0; i < runs; i++)
        {
            ids.Add(await client.ScheduleNewOrchestrationInstanceAsync(orchestrator, $"run-{i}"));
        }

        await WaitAllAsync(client, ids);
        return runs / clock.Elapsed.TotalSeconds;
    }

    private static async Task WaitAllAsync(DurableTaskClient client, List<string> ids)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var results = await Task.WhenAll(ids.Select(id => client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: false, timeout.Token)));
        var failed = results.Count(r => r.RuntimeStatus != OrchestrationRuntimeStatus.Completed);
        if (failed > 0)
        {
            throw new InvalidOperationException($"{failed} of {ids.Count} benchmark runs did not complete");
        }
    }

    /// <summary>
    /// A host and its cost ledger's folder, deleted with it: every round starts a host, and a profile runs hundreds
    /// of rounds, so the ledgers (a few MB each) filled gigabytes of the temp folder when they were left behind.
    /// </summary>
    private sealed class HostLease(FrugalLocalHost host, string? ledgerFolder) : IAsyncDisposable
    {
        public FrugalLocalHost Host => host;

        public async ValueTask DisposeAsync()
        {
            await host.DisposeAsync();
            if (ledgerFolder is not null && Directory.Exists(ledgerFolder))
            {
                Directory.Delete(ledgerFolder, recursive: true);
            }
        }
    }
}
