using System.Text.Json.Nodes;
using Frugal.Cli.Local;
using Frugal.Engine;
using Frugal.Workflows;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;

namespace Frugal.Hosting.Tests.Engine;

/// <summary>The Azure Storage backend against Azurite (started by eng/services.sh): runs survive a host restart.</summary>
public sealed class AzureStorageBackendTests
{
    private static readonly string Storage = Environment.GetEnvironmentVariable("FRUGAL_TEST_AZURITE") ?? "UseDevelopmentStorage=true";

    [Fact]
    public async Task Run_HostStoppedMidRun_ResumesWhenAHostStartsOnTheSameStore()
    {
        var hub = $"resume{Guid.NewGuid():N}"[..20];
        var configuration = Configuration(hub, latencyMs: 400);
        var definition = WorkflowLoader.Load(RepoPaths.Workflow("batch-summarise.yaml"));
        var documents = new JsonArray([.. Enumerable.Range(0, 24).Select(i => (JsonNode)new JsonObject
        {
            ["id"] = $"doc-{i}",
            ["text"] = $"Document {i} reports that shipments in week {i} were on time.",
        })]);

        string id;
        await using (var first = await LocalRuntime.StartAsync(configuration, Storage, TextWriter.Null))
        {
            id = await WorkflowStarter.StartAsync(first.Host.Client, definition, new JsonObject { ["documents"] = documents });
            await WaitUntilRunningWithProgressAsync(first.Host.Client, id);
        }

        await using var second = await LocalRuntime.StartAsync(configuration, Storage, TextWriter.Null);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var metadata = await second.Host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, timeout.Token);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, metadata.RuntimeStatus);
        var result = metadata.ReadOutputAs<WorkflowRunResult>()!;
        Assert.Equal(24, result.Output!["summaries"]!.AsArray().Count);
    }

    private static async Task WaitUntilRunningWithProgressAsync(DurableTaskClient client, string id)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        while (true)
        {
            var metadata = await client.GetInstanceAsync(id, getInputsAndOutputs: false, timeout.Token);
            Assert.NotEqual(OrchestrationRuntimeStatus.Completed, metadata?.RuntimeStatus);
            if (metadata?.RuntimeStatus == OrchestrationRuntimeStatus.Running)
            {
                return;
            }

            await Task.Delay(100, timeout.Token);
        }
    }

    private static IConfiguration Configuration(string hub, int latencyMs) => new ConfigurationBuilder()
        .AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Frugal:Durable:TaskHub"] = hub,
            ["Frugal:Costs:SqlitePath"] = Path.Combine(Path.GetTempPath(), $"frugal-tests-{Guid.NewGuid():N}", "costs.db"),
            ["Emulator:Defaults:LatencyMs"] = latencyMs.ToString(System.Globalization.CultureInfo.InvariantCulture),
        })
        .Build();
}
