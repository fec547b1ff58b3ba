using System.Text.Json.Nodes;
using Frugal.Cli.Local;
using Frugal.Costs;
using Frugal.Engine;
using Frugal.Workflows;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Frugal.Hosting.Tests.Onnx;

/// <summary>Starts a <see cref="LocalRuntime"/> with its own cost ledger and embedding folder and runs inline workflows in it.</summary>
internal static class OnnxRuntimeHarness
{
    public static Task<LocalRuntime> StartAsync(Dictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        settings ??= [];
        var folder = Path.Combine(Path.GetTempPath(), $"frugal-tests-{Guid.NewGuid():N}");
        settings.TryAdd("Frugal:Costs:SqlitePath", Path.Combine(folder, "costs.db"));
        settings.TryAdd("Frugal:Embeddings:IndexPath", Path.Combine(folder, "embeddings"));
        return LocalRuntime.StartAsync(new ConfigurationBuilder().AddInMemoryCollection(settings).Build(), store: null, TextWriter.Null, services);
    }

    public static WorkflowDefinition Parse(string steps) =>
        WorkflowLoader.Parse("name: onnx\ninput: { type: object }\n" + steps, "onnx.yaml");

    public static async Task<(string Id, OrchestrationMetadata Metadata)> RunAsync(LocalRuntime runtime, WorkflowDefinition definition, JsonObject input)
    {
        var id = await WorkflowStarter.StartAsync(runtime.Host.Client, definition, input);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        return (id, await runtime.Host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, timeout.Token));
    }

    public static async Task<WorkflowRunResult> RunCompletedAsync(LocalRuntime runtime, WorkflowDefinition definition, JsonObject input)
    {
        var (_, metadata) = await RunAsync(runtime, definition, input);
        Assert.True(metadata.RuntimeStatus == OrchestrationRuntimeStatus.Completed, metadata.FailureDetails?.ErrorMessage);
        return metadata.ReadOutputAs<WorkflowRunResult>()!;
    }

    public static async Task<List<CostRecord>> RecordsAsync(LocalRuntime runtime, string runId)
    {
        var records = new List<CostRecord>();
        await foreach (var record in runtime.Host.Services.GetRequiredService<ICostLedger>().QueryAsync(new CostQuery { RunId = runId }, CancellationToken.None))
        {
            records.Add(record);
        }

        return records;
    }
}
