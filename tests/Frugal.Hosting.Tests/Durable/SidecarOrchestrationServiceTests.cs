using DurableTask.Core;
using DurableTask.Core.History;
using Frugal.Hosting.Durable;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Frugal.Hosting.Tests.Durable;

/// <summary>The local host bounds the work items in flight itself (the sidecar is told there is no limit) and trims replays.</summary>
public sealed class SidecarOrchestrationServiceTests
{
    private const int Limit = 3;
    private const int Items = 40;

    [Fact]
    public async Task FanOut_WiderThanTheActivityLimit_NeverRunsMoreAtOnceAndFinishes()
    {
        var gauge = new Gauge();
        await using var host = await FrugalLocalHost.StartAsync(
            new LocalHostOptions { MaxConcurrentActivities = Limit },
            _ => { },
            registerTasks: tasks =>
            {
                tasks.AddActivityFunc<int, int>("Slow", async (_, item) =>
                {
                    using (gauge.Enter())
                    {
                        await Task.Delay(20);
                    }

                    return item;
                });
                tasks.AddOrchestratorFunc<int, int>("FanOut", async (context, count) =>
                {
                    var results = await Task.WhenAll(Enumerable.Range(0, count).Select(i => context.CallActivityAsync<int>("Slow", i)));
                    return results.Sum();
                });
            });

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("FanOut", Items, timeout.Token);
        var metadata = await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, timeout.Token);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, metadata.RuntimeStatus);
        Assert.Equal(Enumerable.Range(0, Items).Sum(), metadata.ReadOutputAs<int>());
        Assert.InRange(gauge.Peak, 1, Limit);
    }

    [Fact]
    public void WithoutScheduledInputs_History_CopiesScheduledEventsWithoutInputAndLeavesTheOriginal()
    {
        var started = new ExecutionStartedEvent(-1, "{\"run\":1}")
        {
            Name = "Run",
            OrchestrationInstance = new OrchestrationInstance { InstanceId = "i", ExecutionId = "e" },
        };
        var scheduled = new TaskScheduledEvent(0) { Name = "ExecuteStep", Input = "[{\"big\":\"request\"}]" };
        var completed = new TaskCompletedEvent(-1, 0, "{\"results\":[]}");
        var original = new OrchestrationRuntimeState([new OrchestratorStartedEvent(-1), started, scheduled, new OrchestratorCompletedEvent(-1), completed]);

        var trimmed = ReplayHistory.WithoutScheduledInputs(original);

        var copy = Assert.Single(trimmed.Events.OfType<TaskScheduledEvent>());
        Assert.NotSame(scheduled, copy);
        Assert.Null(copy.Input);
        Assert.Equal((0, "ExecuteStep"), (copy.EventId, copy.Name));
        Assert.Equal("[{\"big\":\"request\"}]", scheduled.Input);
        Assert.Same(completed, trimmed.Events.OfType<TaskCompletedEvent>().Single());
        Assert.Equal("{\"run\":1}", trimmed.Input);
    }

    [Fact]
    public void WithoutScheduledInputs_LargeRunInput_SendsAReferenceAndLeavesTheOriginal()
    {
        var input = "\"" + new string('x', RunInputReferences.Threshold) + "\"";
        var instance = new OrchestrationInstance { InstanceId = "i", ExecutionId = "e" };
        var started = new ExecutionStartedEvent(-1, input) { Name = "Run", OrchestrationInstance = instance, Tags = new Dictionary<string, string> { ["t"] = "1" } };
        var original = new OrchestrationRuntimeState([new OrchestratorStartedEvent(-1), started]);
        var inputs = new RunInputReferences();

        var trimmed = ReplayHistory.WithoutScheduledInputs(original, inputs);

        Assert.StartsWith("@frugal-run-input:", trimmed.Input, StringComparison.Ordinal);
        Assert.Equal(input, inputs.Restore(trimmed.Input));
        Assert.Equal((started.Name, started.Tags, started.OrchestrationInstance), (trimmed.Name, trimmed.Tags, trimmed.OrchestrationInstance));
        Assert.Equal(input, started.Input);
        Assert.Equal(1, inputs.Count);

        inputs.Forget(instance);

        Assert.Equal(0, inputs.Count);
        Assert.Throws<InvalidOperationException>(() => inputs.Restore(trimmed.Input));
    }

    [Fact]
    public void WithoutScheduledInputs_SmallRunInput_SendsItAsItIs()
    {
        var started = new ExecutionStartedEvent(-1, "{\"run\":1}") { Name = "Run", OrchestrationInstance = new OrchestrationInstance { InstanceId = "i", ExecutionId = "e" } };
        var inputs = new RunInputReferences();

        var trimmed = ReplayHistory.WithoutScheduledInputs(new OrchestrationRuntimeState([started]), inputs);

        Assert.Same(started, trimmed.ExecutionStartedEvent);
        Assert.Equal(0, inputs.Count);
    }

    [Fact]
    public void WithoutScheduledInputs_RunRequestOfASmallWorkflow_SendsAReference()
    {
        // Every run request carries its workflow's source, sent and parsed again on every episode before: even a
        // one-step workflow's request with a tiny input now goes by reference.
        var definition = EchoWorkflow(batchSize: 1);
        var request = new Frugal.Engine.WorkflowRunRequest(
            definition.Name, definition.Hash, definition.Source, "echo.yaml", System.Text.Json.Nodes.JsonNode.Parse("""{ "items": [1] }"""));
        var serialized = Frugal.Engine.FrugalDataConverter.Instance.Serialize(request)!;
        var instance = new OrchestrationInstance { InstanceId = "i", ExecutionId = "e" };
        var started = new ExecutionStartedEvent(-1, serialized) { Name = "Run", OrchestrationInstance = instance };
        var inputs = new RunInputReferences();

        var trimmed = ReplayHistory.WithoutScheduledInputs(new OrchestrationRuntimeState([started]), inputs);

        Assert.StartsWith("@frugal-run-input:", trimmed.Input, StringComparison.Ordinal);
        Assert.Equal(serialized, inputs.Restore(trimmed.Input));
    }

    [Fact]
    public void WithoutScheduledInputs_LargeStepResult_SendsAReferenceTheConverterReads()
    {
        // A foreach whose items each repeated a 1 MB input text sent every earlier 1 MB result again on each episode:
        // 400 items peaked `frugal run` at 12.3 GB. A replayed result now comes as a reference to the backend's own string.
        var instance = new OrchestrationInstance { InstanceId = "i", ExecutionId = "e" };
        var started = new ExecutionStartedEvent(-1, "{\"run\":1}") { Name = "Run", OrchestrationInstance = instance };
        var result = "{\"results\":[{\"output\":\"" + new string('x', RunInputReferences.Threshold) + "\"}]}";
        var large = new TaskCompletedEvent(-1, 0, result);
        var small = new TaskCompletedEvent(-1, 1, "{\"results\":[]}");
        var original = new OrchestrationRuntimeState([new OrchestratorStartedEvent(-1), started, new TaskScheduledEvent(0) { Name = "ExecuteStep" }, new TaskScheduledEvent(1) { Name = "ExecuteStep" }, large, small]);
        var inputs = new RunInputReferences();
        var converter = new RunInputReferenceConverter(Frugal.Engine.FrugalDataConverter.Instance, inputs);

        var trimmed = ReplayHistory.WithoutScheduledInputs(original, inputs);

        var completed = trimmed.Events.OfType<TaskCompletedEvent>().ToList();
        Assert.Equal([0, 1], completed.Select(c => c.TaskScheduledId));
        Assert.StartsWith("@frugal-step-result:", completed[0].Result, StringComparison.Ordinal);
        Assert.Same(small, completed[1]);
        Assert.Equal(result, large.Result);
        Assert.Same(result, converter.Deserialize<Frugal.Engine.StepResponseJson>(completed[0].Result)!.Json);
        Assert.Equal(1, inputs.ResultCount);

        inputs.Forget(instance);

        Assert.Equal(0, inputs.ResultCount);
        var gone = Assert.Throws<InvalidOperationException>(() => converter.Deserialize<Frugal.Engine.StepResponseJson>(completed[0].Result));
        Assert.Contains("is no longer held in this process", gone.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Converter_RunRequestByReference_ParsedOncePerRun()
    {
        var inputs = new RunInputReferences();
        var converter = new RunInputReferenceConverter(Frugal.Engine.FrugalDataConverter.Instance, inputs);
        var request = new Frugal.Engine.WorkflowRunRequest("wf", "hash", "source", "wf.yaml", System.Text.Json.Nodes.JsonNode.Parse("""{ "documents": ["a", "b"] }"""));
        var reference = inputs.Reference(new OrchestrationInstance { InstanceId = "i", ExecutionId = "e" }, converter.Serialize(request)!);

        var first = converter.Deserialize<Frugal.Engine.WorkflowRunRequest>(reference);
        var second = converter.Deserialize<Frugal.Engine.WorkflowRunRequest>(reference);

        Assert.Same(first, second);
        Assert.Equal("""{"documents":["a","b"]}""", first!.Input!.ToJsonString());
        Assert.Equal("plain", converter.Deserialize<string>("\"plain\""));
    }

    [Fact]
    public async Task Chain_LargeRunInput_EveryReplayReadsItAndTheRunKeepsIt()
    {
        // Every step's replay reads the input; on replays it came as a reference, which the status must not show.
        var input = string.Concat(Enumerable.Range(0, 4_000).Select(i => $"document {i}; "));
        await using var host = await FrugalLocalHost.StartAsync(
            new LocalHostOptions(),
            _ => { },
            registerTasks: tasks =>
            {
                tasks.AddActivityFunc<int, int>("Next", (_, item) => item + 1);
                tasks.AddOrchestratorFunc<string, string>("Chain", async (context, text) =>
                {
                    var step = 0;
                    for (var i = 0; i < 5; i++)
                    {
                        step = await context.CallActivityAsync<int>("Next", step + (text == input ? 0 : 1000));
                    }

                    return $"{step} steps, {text.Length} characters";
                });
            });

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Chain", input, timeout.Token);
        var metadata = await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, timeout.Token);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, metadata.RuntimeStatus);
        Assert.Equal($"5 steps, {input.Length} characters", metadata.ReadOutputAs<string>());
        Assert.Equal(input, metadata.ReadInputAs<string>());
    }

    [Fact]
    public async Task Run_OutputOverTheActionLimit_CompletesWithItsWholeOutput()
    {
        // The gRPC worker refuses an action over 3.9 MB: a run whose output was larger (a batch job's every item) failed
        // after it had paid for all of its calls. It now goes to the sidecar by reference, within this process.
        var definition = EchoWorkflow(batchSize: 8);
        var item = new string('x', 100_000);
        var input = new System.Text.Json.Nodes.JsonObject
        {
            ["items"] = new System.Text.Json.Nodes.JsonArray([.. Enumerable.Repeat(item, 48).Select(i => (System.Text.Json.Nodes.JsonNode?)i)]),
        };
        await using var host = await FrugalLocalHost.StartAsync(new LocalHostOptions(), services => services.AddFrugalEngine());

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var id = await Frugal.Engine.WorkflowStarter.StartAsync(host.Client, definition, input, cancellationToken: timeout.Token);
        var metadata = await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, timeout.Token);

        Assert.True(metadata.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"{metadata.RuntimeStatus}: {metadata.FailureDetails?.ErrorMessage ?? metadata.SerializedOutput?[..Math.Min(300, metadata.SerializedOutput.Length)]}");
        Assert.True(metadata.SerializedOutput!.Length > 4_000_000, $"{metadata.SerializedOutput.Length} characters");
        var output = metadata.ReadOutputAs<Frugal.Engine.WorkflowRunResult>()!.Output!["each"]!.AsArray();
        Assert.Equal(48, output.Count);
        Assert.All(output, o => Assert.Equal(item, o!.GetValue<string>()));
    }

    [Fact]
    public async Task Runs_ManyLargeOutputsAtOnce_EachCompletesWithItsOwn()
    {
        // Outputs over the reference threshold, finishing together: each must come back to its own run.
        var definition = EchoWorkflow(batchSize: 1);
        await using var host = await FrugalLocalHost.StartAsync(new LocalHostOptions(), services => services.AddFrugalEngine());
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));

        var runs = await Task.WhenAll(Enumerable.Range(0, 12).Select(async i =>
        {
            var item = new string((char)('a' + i), 100_000);
            var input = new System.Text.Json.Nodes.JsonObject { ["items"] = new System.Text.Json.Nodes.JsonArray(item, item, item) };
            var id = await Frugal.Engine.WorkflowStarter.StartAsync(host.Client, definition, input, cancellationToken: timeout.Token);
            return (Item: item, Metadata: await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, timeout.Token));
        }));

        Assert.All(runs, run =>
        {
            Assert.Equal(OrchestrationRuntimeStatus.Completed, run.Metadata.RuntimeStatus);
            var output = run.Metadata.ReadOutputAs<Frugal.Engine.WorkflowRunResult>()!.Output!["each"]!.AsArray();
            Assert.Equal([run.Item, run.Item, run.Item], output.Select(o => o!.GetValue<string>()));
        });
    }

    [Fact]
    public async Task Drain_StepScheduledByAResultThatCameInDuringTheWait_IsNotHandedOutUnwatched()
    {
        // The activity dispatcher waits inside the backend for the next work item. A run whose step finished during a
        // drain went on to schedule its next step, and the dispatcher's wait begun before the drain handed that step out
        // after the drain had seen no step in flight: the host was disposed under it ('step answer attempt 1 failed:
        // System.ObjectDisposedException' after Ctrl+C of a frugal replay).
        var firstStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int secondStarted = 0, secondFinished = 0;
        await using var host = await FrugalLocalHost.StartAsync(
            new LocalHostOptions(),
            _ => { },
            registerTasks: tasks =>
            {
                tasks.AddActivityFunc<int, int>("First", async (_, item) =>
                {
                    firstStarted.TrySetResult();
                    await Task.Delay(300);
                    return item;
                });
                tasks.AddActivityFunc<int, int>("Second", async (_, item) =>
                {
                    Interlocked.Increment(ref secondStarted);
                    await Task.Delay(300);
                    Interlocked.Increment(ref secondFinished);
                    return item;
                });
                tasks.AddOrchestratorFunc<int, int>("Chain", async (context, item) =>
                    await context.CallActivityAsync<int>("Second", await context.CallActivityAsync<int>("First", item)));
            });

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await host.Client.ScheduleNewOrchestrationInstanceAsync("Chain", 1, timeout.Token);
        await firstStarted.Task.WaitAsync(timeout.Token);

        var left = await host.DrainAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(0, left);
        Assert.Equal(0, host.ActivitiesInFlight);
        Assert.Equal(Volatile.Read(ref secondStarted), Volatile.Read(ref secondFinished));
    }

    // A foreach whose output is its items: the output is as large as the input.
    internal static Frugal.Workflows.WorkflowDefinition EchoWorkflow(int batchSize) => Frugal.Workflows.WorkflowLoader.Parse($$"""
        name: echo
        input: { type: object }
        steps:
          - id: each
            kind: foreach
            items: ${ input.items }
            batch_size: {{batchSize}}
            do:
              kind: deterministic
              operation: template
              input: ${ item }
        """, "echo.yaml");

    private sealed class Gauge
    {
        private int _current;
        private int _peak;

        public int Peak => Volatile.Read(ref _peak);

        public IDisposable Enter()
        {
            var now = Interlocked.Increment(ref _current);
            int peak;
            while (now > (peak = Volatile.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, now, peak) != peak)
            {
            }

            return new Exit(this);
        }

        private sealed class Exit(Gauge gauge) : IDisposable
        {
            public void Dispose() => Interlocked.Decrement(ref gauge._current);
        }
    }
}
