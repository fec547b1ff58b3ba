using System.Diagnostics;
using System.Text.Json.Nodes;
using Frugal.Engine;
using Frugal.Hosting.Durable;
using Frugal.Workflows;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Frugal.Benchmarks;

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

    /// <summary>How long scheduling the runs of the last measurement took (diagnostics for --profile-chain).</summary>
    public static TimeSpan LastScheduling { get; private set; }

    public async Task<(double Chain, double FanOut)> RunFrugalAsync(int chainRuns, int fanOutRuns)
    {
        await using var host = await StartAsync();
        var chain = EngineWorkloads.Chain();
        var fanOut = EngineWorkloads.FanOut();
        await RunFrugalAsync(host.Client, chain, 2, _ => new JsonObject { ["n"] = "warm-up" });
        var chainRate = await RunFrugalAsync(host.Client, chain, chainRuns, i => new JsonObject { ["n"] = $"run-{i}" }) * EngineWorkloads.ChainSteps;
        var fanOutRate = await RunFrugalAsync(host.Client, fanOut, fanOutRuns, _ => EngineWorkloads.FanOutInput()) * EngineWorkloads.FanOutItems;
        return (chainRate, fanOutRate);
    }

    public async Task<(double Chain, double FanOut)> RunRawAsync(int chainRuns, int fanOutRuns)
    {
        await using var host = await StartAsync();
        await RunRawAsync(host.Client, RawSdkTasks.Chain, 2);
        var chainRate = await RunRawAsync(host.Client, RawSdkTasks.Chain, chainRuns) * EngineWorkloads.ChainSteps;
        var fanOutRate = await RunRawAsync(host.Client, RawSdkTasks.FanOut, fanOutRuns) * EngineWorkloads.FanOutItems;
        return (chainRate, fanOutRate);
    }

    private Task<FrugalLocalHost> StartAsync()
    {
        var options = new LocalHostOptions
        {
            Backend = _options.Backend,
            StorageConnectionString = _options.StorageConnectionString,
            TaskHub = _options.Backend == DurableBackendKind.AzureStorage ? $"bench{Guid.NewGuid():N}"[..20] : _options.TaskHub,
            PartitionCount = _options.PartitionCount,
        };
        return FrugalLocalHost.StartAsync(
            options,
            services =>
            {
                services.AddFrugalEngine();
                if (_recordCosts)
                {
                    var path = Path.Combine(Path.GetTempPath(), $"frugal-bench-{Guid.NewGuid():N}", "costs.db");
                    var configuration = new ConfigurationBuilder()
                        .AddInMemoryCollection(new Dictionary<string, string?> { ["Frugal:Costs:SqlitePath"] = path })
                        .Build();
                    services.AddFrugalCosts(configuration);
                }
            },
            registerTasks: RawSdkTasks.Register);
    }

    /// <summary>Starts the runs together and returns runs per second from the first start to the last completion.</summary>
    private static async Task<double> RunFrugalAsync(DurableTaskClient client, WorkflowDefinition definition, int runs, Func<int, JsonNode> input)
    {
        var clock = Stopwatch.StartNew();
        var ids = new List<string>(runs);
        for (var i = 0; i < runs; i++)
        {
            ids.Add(await WorkflowStarter.StartAsync(client, definition, input(i)));
        }

        LastScheduling = clock.Elapsed;

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

        LastScheduling = clock.Elapsed;

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
}
