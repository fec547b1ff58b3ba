using DurableTask.Core;
using DurableTask.Core.History;
using Frugal.Hosting.Durable;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

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

        var trimmed = SidecarOrchestrationService.WithoutScheduledInputs(original);

        var copy = Assert.Single(trimmed.Events.OfType<TaskScheduledEvent>());
        Assert.NotSame(scheduled, copy);
        Assert.Null(copy.Input);
        Assert.Equal((0, "ExecuteStep"), (copy.EventId, copy.Name));
        Assert.Equal("[{\"big\":\"request\"}]", scheduled.Input);
        Assert.Same(completed, trimmed.Events.OfType<TaskCompletedEvent>().Single());
        Assert.Equal("{\"run\":1}", trimmed.Input);
    }

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
