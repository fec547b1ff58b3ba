using System.Text.Json.Nodes;
using Frugal.Cli.Local;
using Frugal.Engine;
using Frugal.Workflows;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;

namespace Frugal.Hosting.Tests.Retention;

public sealed class EmbeddedRunPurgeTests
{
    [Fact]
    public async Task RunAsync_FinishedRunsPastTheirTime_AreDroppedFromTheEmbeddedBackend()
    {
        // frugal serve kept every run in memory: about 50 KB a run, 2.1 GB after 26,000, never released.
        var settings = new Dictionary<string, string?> { ["Frugal:Costs:SqlitePath"] = Path.Combine(Path.GetTempPath(), $"purge-{Guid.NewGuid():N}", "costs.db") };
        await using var runtime = await LocalRuntime.StartAsync(new ConfigurationBuilder().AddInMemoryCollection(settings).Build(), store: null, TextWriter.Null);
        var definition = WorkflowLoader.Load(RepoPaths.Workflow("support-triage.yaml"));
        var id = await WorkflowStarter.StartAsync(runtime.Host.Client, definition, new JsonObject { ["subject"] = "Password reset", ["body"] = "How?" });
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await runtime.Host.Client.WaitForInstanceCompletionAsync(id, timeout.Token);
        using var error = new StringWriter();

        // Finished just now: kept for the hour.
        using (var keeping = new CancellationTokenSource(TimeSpan.FromMilliseconds(500)))
        {
            await EmbeddedRunPurge.RunAsync(runtime.Host.Client, TimeSpan.FromHours(1), TimeSpan.FromMilliseconds(100), TimeProvider.System, error, keeping.Token);
        }

        Assert.NotNull(await runtime.Host.Client.GetInstanceAsync(id, timeout.Token));

        using var stop = new CancellationTokenSource();
        var purging = EmbeddedRunPurge.RunAsync(runtime.Host.Client, TimeSpan.Zero, TimeSpan.FromMilliseconds(100), TimeProvider.System, error, stop.Token);
        while (await runtime.Host.Client.GetInstanceAsync(id, timeout.Token) is not null)
        {
            await Task.Delay(50, timeout.Token);
        }

        await stop.CancelAsync();
        await purging;
        Assert.Equal(string.Empty, error.ToString());
    }
}
