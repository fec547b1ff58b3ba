using System.Text.Json.Nodes;
using Azure.Storage.Blobs;
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
        string hub = NewTaskHub("purge");
        await using var runtime = await StartAsync(hub);
        var client = runtime.Host.Client;
        var definition = WorkflowLoader.Load(RepoPaths.Workflow("support-triage.yaml"));
        var input = new JsonObject { ["subject"] = "Password reset", ["body"] = "I forgot my password, how do I reset it?" };
        string first = await RunAsync(client, definition, input);
        string second = await RunAsync(client, definition, input);

        var kept = await new RetentionPurger(TimeProvider.System).PurgeAsync(null, client, null, TimeSpan.FromDays(1), TimeSpan.FromDays(1), CancellationToken.None);
        var purged = await new RetentionPurger(TimeProvider.System).PurgeAsync(null, client, null, TimeSpan.FromDays(1), TimeSpan.FromSeconds(-60), CancellationToken.None);

        Assert.Equal(0, kept.Runs);
        Assert.Equal(2, purged.Runs);
        Assert.Null(await client.GetInstanceAsync(first));
        Assert.Null(await client.GetInstanceAsync(second));

        string third = await RunAsync(client, definition, input);
        int viaCli = await AzureStorageRunPurger.PurgeAsync(Storage, hub, DateTimeOffset.UtcNow.AddMinutes(1));
        Assert.Equal(1, viaCli);
        Assert.Null(await client.GetInstanceAsync(third));
    }

    [Fact]
    public async Task CountAsync_FinishedRunsOnAzureStorage_CountsWhatThePurgeDeletesAndKeepsThem()
    {
        // frugal purge --dry-run: the same filter as the purge, nothing deleted.
        string hub = NewTaskHub("purgedry");
        await using var runtime = await StartAsync(hub);
        var client = runtime.Host.Client;
        var definition = WorkflowLoader.Load(RepoPaths.Workflow("support-triage.yaml"));
        var input = new JsonObject { ["subject"] = "Password reset", ["body"] = "I forgot my password, how do I reset it?" };
        string first = await RunAsync(client, definition, input);
        string second = await RunAsync(client, definition, input);

        int none = await AzureStorageRunPurger.CountAsync(Storage, hub, DateTimeOffset.UtcNow.AddDays(-1));
        int counted = await AzureStorageRunPurger.CountAsync(Storage, hub, DateTimeOffset.UtcNow.AddMinutes(1));
        Assert.NotNull(await client.GetInstanceAsync(first));
        Assert.NotNull(await client.GetInstanceAsync(second));
        int purged = await AzureStorageRunPurger.PurgeAsync(Storage, hub, DateTimeOffset.UtcNow.AddMinutes(1));

        Assert.Equal(0, none);
        Assert.Equal(2, counted);
        Assert.Equal(counted, purged);
    }

    [Fact]
    public async Task PurgeAsync_RunWhoseMessagesWereOffloadedToBlobs_DeletesTheBlobsToo()
    {
        // Azure Storage moves a message over about 45 KB out of its queue into a blob ("<hub>-largemessages"); a
        // purge that left those behind would keep a run's text (inputs, model answers) past its retention.
        string hub = NewTaskHub("purgeblob");
        await using var runtime = await StartAsync(hub);
        var client = runtime.Host.Client;
        var definition = WorkflowLoader.Parse(
            """
            name: echo
            input: { type: object, required: [text], properties: { text: { type: string } } }
            steps:
              - id: copy
                kind: deterministic
                operation: template
                input: ${ input.text }
            output: ${ steps.copy.output }
            """,
            "echo.yaml");
        var text = string.Concat(Enumerable.Range(0, 12_000).Select(i => $"w{i} "));
        var blobs = new BlobContainerClient(Storage, $"{hub}-largemessages");

        // Through the host's client (the Functions app's retention timer) and through frugal purge.
        foreach (var viaClient in new[] { true, false })
        {
            string id = await RunAsync(client, definition, new JsonObject { ["text"] = text });
            var offloaded = await BlobNamesAsync(blobs);
            Assert.Contains(offloaded, name => name.StartsWith(id + "/", StringComparison.Ordinal));

            int purged = viaClient
                ? (await new RetentionPurger(TimeProvider.System).PurgeAsync(null, client, null, TimeSpan.FromDays(1), TimeSpan.FromSeconds(-60), CancellationToken.None)).Runs ?? -1
                : await AzureStorageRunPurger.PurgeAsync(Storage, hub, DateTimeOffset.UtcNow.AddMinutes(1));

            Assert.Equal(1, purged);
            Assert.Null(await client.GetInstanceAsync(id));
            var left = await BlobNamesAsync(blobs);
            Assert.True(left.Count == 0, $"left after the purge: {string.Join(", ", left)} (offloaded before it: {string.Join(", ", offloaded)})");
        }
    }

    private static string NewTaskHub(string prefix) => prefix + Guid.NewGuid().ToString("N")[..10];

    /// <summary>A local host on Azure Storage (Azurite) with its own task hub and cost ledger.</summary>
    private static Task<LocalRuntime> StartAsync(string hub)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Frugal:Durable:TaskHub"] = hub,
            ["Frugal:Costs:SqlitePath"] = Path.Combine(Path.GetTempPath(), $"frugal-purge-{Guid.NewGuid():N}", "costs.db"),
        }).Build();
        return LocalRuntime.StartAsync(configuration, Storage, TextWriter.Null);
    }

    private static async Task<List<string>> BlobNamesAsync(BlobContainerClient container)
    {
        var names = new List<string>();
        if (!await container.ExistsAsync())
        {
            return names;
        }

        await foreach (var blob in container.GetBlobsAsync())
        {
            names.Add(blob.Name);
        }

        return names;
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
