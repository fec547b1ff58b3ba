using System.Text.Json.Nodes;
using Frugal.Cli.Local;
using Frugal.Engine;
using Frugal.Hosting.Durable;
using Frugal.Retention;
using Frugal.Workflows;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;

namespace Frugal.Hosting.Tests.Retention;

/// <summary>
/// Purges finished runs from an Azure Storage task hub on Azurite (<c>FRUGAL_TEST_AZURITE</c>, else
/// UseDevelopmentStorage=true; start it with eng/services.sh): through the local host's DurableTaskClient (what the
/// Functions app's timer does) and through <see cref="AzureStorageRunPurger"/> (what <c>frugal purge</c> does).
/// </summary>
public sealed class RunHistoryPurgeTests
{
    private static string Storage => Environment.GetEnvironmentVariable("FRUGAL_TEST_AZURITE") is { Length: > 0 } s ? s : "UseDevelopmentStorage=true";

    [Fact]
    public async Task PurgeAsync_FinishedRunsOnAzureStorage_DeletesTheirHistories()
    {
        string hub = "purge" + Guid.NewGuid().ToString("N")[..10];
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Frugal:Durable:TaskHub"] = hub,
            ["Frugal:Costs:SqlitePath"] = Path.Combine(Path.GetTempPath(), $"frugal-purge-{Guid.NewGuid():N}", "costs.db"),
        }).Build();
        await using var runtime = await LocalRuntime.StartAsync(configuration, Storage, TextWriter.Null);
        var client = runtime.Host.Client;
        var definition = WorkflowLoader.Load(RepoPaths.Workflow("support-triage.yaml"));
        var input = new JsonObject { ["subject"] = "Password reset", ["body"] = "I forgot my password, how do I reset it?" };
        string first = await RunAsync(client, definition, input);
        string second = await RunAsync(client, definition, input);

        var kept = await new RetentionPurger(TimeProvider.System).PurgeAsync(null, client, TimeSpan.FromDays(1), TimeSpan.FromDays(1), CancellationToken.None);
        var purged = await new RetentionPurger(TimeProvider.System).PurgeAsync(null, client, TimeSpan.FromDays(1), TimeSpan.FromSeconds(-60), CancellationToken.None);

        Assert.Equal(0, kept.Runs);
        Assert.Equal(2, purged.Runs);
        Assert.Null(await client.GetInstanceAsync(first));
        Assert.Null(await client.GetInstanceAsync(second));

        string third = await RunAsync(client, definition, input);
        int viaCli = await AzureStorageRunPurger.PurgeAsync(Storage, hub, DateTimeOffset.UtcNow.AddMinutes(1));
        Assert.Equal(1, viaCli);
        Assert.Null(await client.GetInstanceAsync(third));
    }

    private static async Task<string> RunAsync(DurableTaskClient client, WorkflowDefinition definition, JsonNode input)
    {
        var id = await WorkflowStarter.StartAsync(client, definition, input);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var metadata = await client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: false, timeout.Token);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, metadata.RuntimeStatus);
        return id;
    }
}
