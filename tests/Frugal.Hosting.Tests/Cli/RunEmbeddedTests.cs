using System.Diagnostics;
using System.Text.Json.Nodes;
using Frugal.Cli.Commands;
using Frugal.Cli.Local;
using Frugal.Workflows;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace Frugal.Hosting.Tests.Cli;

/// <summary>
/// <c>frugal run</c>'s embedded loop when the backend fails it, against a client that starts runs and cannot wait for
/// them (the backend's own failures cannot be made to order in a real host).
/// </summary>
public sealed class RunEmbeddedTests
{
    private static readonly WorkflowDefinition Triage = WorkflowLoader.Load(RepoPaths.Workflow("support-triage.yaml"));

    private static ValidatedInput Valid(JsonNode input)
    {
        Assert.True(WorkflowInputValidator.TryValidate(Triage, input, out var valid, out var violations), string.Join("; ", violations));
        return valid;
    }

    [Fact]
    public async Task RunEmbeddedAsync_WaitsForRunsFail_FailsWithTheErrorInsteadOfWaitingForEver()
    {
        // A failed wait gave back no slot and was only looked at once every input had started: with more inputs than
        // runs in flight, the starts stopped for good at the 256th failure and the command waited until Ctrl+C.
        var inputs = Enumerable.Range(1, RunCommand.MaxRunsInFlight + 10)
            .Select(i => new RunInput($"t.jsonl:{i}", Valid(new JsonObject { ["subject"] = "s", ["body"] = $"ticket {i}" })))
            .ToList();
        var client = new UnwaitableClient();
        var started = new List<(RunInput Input, string Id, TimeSpan At)>();
        var runId = 0;

        var run = RunCommand.RunEmbeddedAsync(
            client, inputs, tenant: null, () => $"run-{Interlocked.Increment(ref runId)}", Stopwatch.StartNew(), started, (_, _, _) => { }, CancellationToken.None);
        var completed = await Task.WhenAny(run, Task.Delay(TimeSpan.FromMinutes(2)));

        Assert.Same(run, completed);
        var ex = await Assert.ThrowsAnyAsync<Exception>(() => run);
        Assert.Contains("the backend did not answer", ex.ToString(), StringComparison.Ordinal);
        Assert.Equal(client.Started, started.Count);
    }

    private sealed class UnwaitableClient() : DurableTaskClient("unwaitable")
    {
        private int _started;

        public int Started => Volatile.Read(ref _started);

        public override Task<string> ScheduleNewOrchestrationInstanceAsync(TaskName orchestratorName, object? input = null, StartOrchestrationOptions? options = null, CancellationToken cancellation = default)
        {
            Interlocked.Increment(ref _started);
            return Task.FromResult(options?.InstanceId ?? Guid.NewGuid().ToString("N"));
        }

        public override Task<OrchestrationMetadata> WaitForInstanceCompletionAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default) =>
            Task.FromException<OrchestrationMetadata>(new InvalidOperationException("the backend did not answer"));

        public override Task<OrchestrationMetadata> WaitForInstanceStartAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default) => throw new NotSupportedException();

        public override Task RaiseEventAsync(string instanceId, string eventName, object? eventPayload = null, CancellationToken cancellation = default) => throw new NotSupportedException();

        public override Task TerminateInstanceAsync(string instanceId, TerminateInstanceOptions? options = null, CancellationToken cancellation = default) => throw new NotSupportedException();

        public override Task SuspendInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellation = default) => throw new NotSupportedException();

        public override Task ResumeInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellation = default) => throw new NotSupportedException();

        public override Task<OrchestrationMetadata?> GetInstancesAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default) => throw new NotSupportedException();

        public override AsyncPageable<OrchestrationMetadata> GetAllInstancesAsync(OrchestrationQuery? filter = null) => throw new NotSupportedException();

        public override Task<PurgeResult> PurgeInstanceAsync(string instanceId, PurgeInstanceOptions? options = null, CancellationToken cancellation = default) => throw new NotSupportedException();

        public override Task<PurgeResult> PurgeAllInstancesAsync(PurgeInstancesFilter filter, PurgeInstanceOptions? options = null, CancellationToken cancellation = default) => throw new NotSupportedException();

        public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
