using System.Diagnostics;
using System.Text.Json.Nodes;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Frugal.Cli.Commands;
using Frugal.Cli.Local;
using Frugal.Engine;
using Frugal.Hosting.Durable;
using Frugal.Workflows;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Frugal.Hosting.Tests.Engine;

/// <summary>The Azure Storage backend against Azurite (started by eng/services.sh): runs survive a host restart.</summary>
public sealed class AzureStorageBackendTests
{
    private static readonly string Storage = Environment.GetEnvironmentVariable("FRUGAL_TEST_AZURITE") ?? "UseDevelopmentStorage=true";

    [Fact]
    public async Task DisposeAsync_RightAfterStart_StopsWithoutError()
    {
        // The sidecar starts the backend from a callback; a host disposed before that ran (a `frugal run --store`
        // refused by its budget) used to fail in Azure Storage's StopAsync with a NullReferenceException.
        var options = new LocalHostOptions
        {
            Backend = DurableBackendKind.AzureStorage,
            StorageConnectionString = Storage,
            TaskHub = $"dispose{Guid.NewGuid():N}"[..20],
        };
        var host = await FrugalLocalHost.StartAsync(options, services => services.AddFrugalEngine());

        await host.DisposeAsync();
    }

    [Fact]
    public async Task Run_FailsAtItsSecondStep_StatusSummarisesTheStepsThatFinishedAndTheOneThatFailed()
    {
        // Azure Storage keeps a failed run's message as its output and no failure details: the custom status the
        // failing episode set, with the steps' summaries, must be kept all the same.
        var options = new LocalHostOptions
        {
            Backend = DurableBackendKind.AzureStorage,
            StorageConnectionString = Storage,
            TaskHub = $"failed{Guid.NewGuid():N}"[..20],
        };
        await using var host = await FrugalLocalHost.StartAsync(options, services => services.AddFrugalEngine());
        var id = await WorkflowStarter.StartAsync(host.Client, Api.RunApiEndpointsTests.FailsOnText, new JsonObject { ["text"] = "abc" });

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var metadata = await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, timeout.Token);
        var status = Frugal.Api.RunStatus.ToJson(metadata, metadata.ReadInputAs<WorkflowRunRequest>());

        Assert.Equal("Failed", status["status"]!.GetValue<string>());
        Assert.Equal("step 'count': number() cannot read 'abc' as a number", status["error"]!["message"]!.GetValue<string>());
        Assert.Equal(["skipped:maybe", "completed:greet", "failed:count"], status["steps"]!.AsArray().Select(s => $"{s!["status"]}:{s["stepId"]}"));
        Assert.Equal("step 'count': number() cannot read 'abc' as a number", status["steps"]![2]!["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task Run_HostStoppedMidRun_ResumesWhenAHostStartsOnTheSameStore()
    {
        var hub = $"resume{Guid.NewGuid():N}"[..20];
        var configuration = Configuration(hub, latencyMs: 400);
        var definition = WorkflowLoader.Load(RepoPaths.Workflow("batch-summarise.yaml"));
        var documents = Documents(24);

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

    [Fact]
    public async Task Run_HostStoppedWhileStepsRun_LetsThemFinishSoTheNextHostDoesNotPayForThemAgain()
    {
        // A stopping worker dropped the results of the steps still running: their calls were made (and paid for)
        // during the stop, and made again by the next host.
        var hub = $"drain{Guid.NewGuid():N}"[..20];
        var costs = Path.Combine(Path.GetTempPath(), $"frugal-tests-{Guid.NewGuid():N}", "costs.db");
        var configuration = Configuration(hub, latencyMs: 1500, costs);
        var definition = WorkflowLoader.Load(RepoPaths.Workflow("batch-summarise.yaml"));

        string id;
        long firstCalls;
        await using (var first = await LocalRuntime.StartAsync(configuration, Storage, TextWriter.Null))
        {
            id = await WorkflowStarter.StartAsync(first.Host.Client, definition, new JsonObject { ["documents"] = Documents(8) });
            using var started = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            while (first.Host.ActivitiesInFlight == 0)
            {
                await Task.Delay(20, started.Token);
            }

            await first.DrainAsync(TextWriter.Null);
            firstCalls = first.Emulator!.Counters.ChatCompletions;
        }

        await using var second = await LocalRuntime.StartAsync(configuration, Storage, TextWriter.Null);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var metadata = await second.Host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, timeout.Token);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, metadata.RuntimeStatus);
        Assert.Equal((8L, 0L), (firstCalls, second.Emulator!.Counters.ChatCompletions));
        var records = await Frugal.Hosting.Tests.Onnx.OnnxRuntimeHarness.RecordsAsync(second, id);
        Assert.Equal(8, records.Count);
    }

    [Fact]
    public async Task Run_FrugalProcessKilledMidRun_ResumesWhenAHostStartsOnTheSameStore()
    {
        // A real kill (SIGKILL, no shutdown code runs) of `frugal run --store`, while its activities are in flight.
        var hub = $"killed{Guid.NewGuid():N}"[..20];
        var folder = Directory.CreateTempSubdirectory("frugal-kill-").FullName;
        var costs = Path.Combine(folder, "costs.db");
        var inputFile = Path.Combine(folder, "documents.json");
        await File.WriteAllTextAsync(inputFile, new JsonObject { ["documents"] = Documents(24) }.ToJsonString());
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { Path.Combine(AppContext.BaseDirectory, "frugal.dll"), "run", RepoPaths.Workflow("batch-summarise.yaml"), "--input", inputFile, "--store", Storage },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (key, value) in Settings(hub, latencyMs: 3000, costs))
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value; // how frugal reads settings from the environment
        }

        string id;
        using (var process = Process.Start(start) ?? throw new InvalidOperationException("could not start frugal"))
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            try
            {
                id = await WaitForRunningInstanceAsync(hub, process);
                await WaitUntilActivitiesAreTakenAsync(hub, process);
                if (process.HasExited)
                {
                    Assert.Fail($"frugal ended before it was killed:\n{await output}\n{await errors}");
                }
            }
            finally
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }

        var killed = await new TableClient(Storage, $"{hub}Instances").GetEntityAsync<TableEntity>(id, string.Empty);
        Assert.Equal("Running", killed.Value.GetString("RuntimeStatus"));

        await using var second = await LocalRuntime.StartAsync(Configuration(hub, latencyMs: 3000, costs), Storage, TextWriter.Null);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var metadata = await second.Host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, timeout.Token);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, metadata.RuntimeStatus);
        Assert.Equal(24, metadata.ReadOutputAs<WorkflowRunResult>()!.Output!["summaries"]!.AsArray().Count);
    }

    [Theory]
    [InlineData(8, 0)]
    [InlineData(48, 1)]
    public async Task FrugalRun_LargeMessages_OutputCompletesAndAnOversizedRequestIsNotStartedAgain(int batchSize, int exitCode)
    {
        // A run's output over 3.9 MB failed after the run had paid for all of its calls; it now completes (the local
        // worker hands it to the sidecar by reference, Azure Storage moves it to a blob). A step request that large
        // still fails, naming the step, and the same command run again reports it rather than starting it again
        // (it would fail the same way, after paying again for the steps before it).
        var hub = $"large{Guid.NewGuid():N}"[..20];
        var folder = Directory.CreateTempSubdirectory("frugal-large-").FullName;
        var workflow = Path.Combine(folder, "echo.yaml");
        await File.WriteAllTextAsync(workflow, Durable.SidecarOrchestrationServiceTests.EchoWorkflow(batchSize).Source);
        var input = Path.Combine(folder, "big.json");
        await File.WriteAllTextAsync(input, "{ \"items\": [" + string.Join(", ", Enumerable.Repeat($"\"{new string('x', 100_000)}\"", 48)) + "] }");
        var configuration = Configuration(hub, latencyMs: 0, Path.Combine(folder, "costs.db"));

        async Task<string> RunAsync()
        {
            using var output = new StringWriter();
            using var error = new StringWriter();
            var code = await RunCommand.RunAsync(workflow, input, Storage, null, configuration, output, error, CancellationToken.None);
            var text = output.ToString() + error;
            Assert.True(code == exitCode, $"exit {code}: {text[..Math.Min(2000, text.Length)]}");
            return text;
        }

        var first = await RunAsync();
        if (exitCode == 0)
        {
            Assert.Contains("1 completed, 0 failed", first, StringComparison.Ordinal);
            Assert.True(first.Length > 4_800_000, $"{first.Length} characters printed"); // the whole output
            return;
        }

        var second = await RunAsync();
        // Refused once 41 of the 48 items were built: those are over the limit already.
        Assert.Contains("step 'each' (batch 0, 48 item(s)): its request is at least 3.91 MB, over the 3.9 MB Durable Task allows", first, StringComparison.Ordinal);
        Assert.Contains("1 run(s) of these inputs had finished against this --store and are reported, not run again", second, StringComparison.Ordinal);
        Assert.Contains("its request is at least 3.91 MB", second, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FrugalRun_SameCommandAgainOnTheStore_ReportsFinishedRunsWithoutRunningThemAgain()
    {
        // Run again after a crash or Ctrl+C (as frugal advises), the command started every input anew beside the runs
        // that resumed, paying for all of them twice.
        var hub = $"rerun{Guid.NewGuid():N}"[..20];
        var folder = Directory.CreateTempSubdirectory("frugal-rerun-").FullName;
        var costs = Path.Combine(folder, "costs.db");
        var input = Path.Combine(folder, "tickets.jsonl");
        await File.WriteAllTextAsync(input, """
            {"subject": "Export fails", "body": "The nightly export stopped working yesterday; what changed?"}
            {"subject": "Export fails", "body": "The nightly export stopped working yesterday; what changed?"}
            """);
        var configuration = Configuration(hub, latencyMs: 0, costs);

        async Task<string> RunAsync()
        {
            using var output = new StringWriter();
            var code = await RunCommand.RunAsync(RepoPaths.Workflow("support-triage.yaml"), input, Storage, null, configuration, output, TextWriter.Null, CancellationToken.None);
            Assert.True(code == 0, output.ToString());
            return output.ToString();
        }

        var first = await RunAsync();
        var second = await RunAsync();

        Assert.Contains("2 completed, 0 failed", first, StringComparison.Ordinal);
        Assert.Contains("2 run(s) of these inputs had finished against this --store and are reported, not run again; 0 unfinished one(s) resumed; 0 that had failed or were terminated started again; 0 new.", second, StringComparison.Ordinal);
        Assert.Contains("2 completed, 0 failed", second, StringComparison.Ordinal);
        using var ledger = new Frugal.Costs.SqliteCostLedger(costs);
        var runs = new HashSet<string>();
        await foreach (var record in ledger.QueryAsync(new Frugal.Costs.CostQuery(), CancellationToken.None))
        {
            runs.Add(record.RunId);
        }

        Assert.Equal(2, runs.Count); // two identical lines are two runs, each run once
    }

    [Fact]
    public async Task FrugalRun_HubOtherThanTheDefault_FindsARunUnderItsIdFromBeforeTheHubWasPartOfIt()
    {
        // A hub other than the default became part of run ids: a batch begun before that, under ids without it, must
        // still be found, or the same command run again starts those runs again under the new ids and pays twice.
        var hub = $"older{Guid.NewGuid():N}"[..20];
        var folder = Directory.CreateTempSubdirectory("frugal-older-").FullName;
        var costs = Path.Combine(folder, "costs.db");
        var workflow = RepoPaths.Workflow("support-triage.yaml");
        var input = Path.Combine(folder, "tickets.jsonl");
        await File.WriteAllTextAsync(input, """
            {"subject": "Export fails", "body": "The nightly export stopped working yesterday; what changed?"}
            {"subject": "Login loop", "body": "I cannot log in since this morning."}
            """);
        var configuration = Configuration(hub, latencyMs: 0, costs);
        var definition = WorkflowFileReader.Read(workflow);
        var inputs = RunInputReader.Read(input, definition);
        var olderIds = RunCommand.StoredRunIds(definition, null, inputs);
        var ids = RunCommand.StoredRunIds(definition, null, inputs, hub);
        Assert.NotEqual(olderIds[0], ids[0]);
        await using (var before = await LocalRuntime.StartAsync(configuration, Storage, TextWriter.Null))
        {
            await WorkflowStarter.StartAsync(before.Host.Client, inputs[0].Input, instanceId: olderIds[0]);
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            var earlier = await before.Host.Client.WaitForInstanceCompletionAsync(olderIds[0], timeout.Token);
            Assert.Equal(OrchestrationRuntimeStatus.Completed, earlier.RuntimeStatus);
        }

        using var output = new StringWriter();
        var code = await RunCommand.RunAsync(workflow, input, Storage, null, configuration, output, TextWriter.Null, CancellationToken.None);

        Assert.True(code == 0, output.ToString());
        Assert.Contains("1 run(s) of these inputs had finished against this --store and are reported, not run again; 0 unfinished one(s) resumed; 0 that had failed or were terminated started again; 1 new.", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("2 completed, 0 failed", output.ToString(), StringComparison.Ordinal);
        using var ledger = new Frugal.Costs.SqliteCostLedger(costs);
        var runs = new HashSet<string>();
        await foreach (var record in ledger.QueryAsync(new Frugal.Costs.CostQuery(), CancellationToken.None))
        {
            runs.Add(record.RunId);
        }

        Assert.Equal(new HashSet<string> { olderIds[0], ids[1] }, runs); // the older run was run once, under its older id
    }

    /// <summary>Polls the task hub's instance table (no worker of its own, which would take the work) for the run.</summary>
    private static async Task<string> WaitForRunningInstanceAsync(string hub, Process process)
    {
        var instances = new TableClient(Storage, $"{hub}Instances");
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        while (true)
        {
            Assert.False(process.HasExited, "frugal ended before its run was seen running");
            try
            {
                await foreach (var row in instances.QueryAsync<TableEntity>(e => e.GetString("RuntimeStatus") == "Running", cancellationToken: timeout.Token))
                {
                    return row.PartitionKey;
                }
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                // The table does not exist until the host has created the task hub.
            }

            await Task.Delay(200, timeout.Token);
        }
    }

    /// <summary>
    /// Waits until the host has taken the run's activity messages off the work-item queue (they are counted but no
    /// longer visible): killed now, it leaves them invisible until their visibility timeout, the case to resume from.
    /// </summary>
    private static async Task WaitUntilActivitiesAreTakenAsync(string hub, Process process)
    {
        var queue = new QueueClient(Storage, $"{hub}-workitems");
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        while (true)
        {
            Assert.False(process.HasExited, "frugal ended before its activities were taken");
            if (await queue.ExistsAsync(timeout.Token)
                && (await queue.GetPropertiesAsync(timeout.Token)).Value.ApproximateMessagesCount > 0
                && (await queue.PeekMessagesAsync(1, timeout.Token)).Value.Length == 0)
            {
                return;
            }

            await Task.Delay(100, timeout.Token);
        }
    }

    private static JsonArray Documents(int count) => new([.. Enumerable.Range(0, count).Select(i => (JsonNode)new JsonObject
    {
        ["id"] = $"doc-{i}",
        ["text"] = $"Document {i} reports that shipments in week {i} were on time.",
    })]);

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

    private static IConfiguration Configuration(string hub, int latencyMs, string? costs = null) =>
        new ConfigurationBuilder().AddInMemoryCollection(Settings(hub, latencyMs, costs)).Build();

    /// <summary>The host's settings: its task hub, its cost ledger (a new one unless given) and the model latency.</summary>
    private static Dictionary<string, string?> Settings(string hub, int latencyMs, string? costs) => new()
    {
        ["Frugal:Durable:TaskHub"] = hub,
        ["Frugal:Costs:SqlitePath"] = costs ?? Path.Combine(Path.GetTempPath(), $"frugal-tests-{Guid.NewGuid():N}", "costs.db"),
        ["Emulator:Defaults:LatencyMs"] = latencyMs.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
