using System.Text.Json.Nodes;
using Frugal.Engine;
using Frugal.Workflows;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Worker;
using Microsoft.DurableTask.Worker.Grpc;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using P = Microsoft.DurableTask.Protobuf;

namespace Frugal.Benchmarks;

/// <summary>
/// The orchestrator side alone (--replay): every work item of a 10-step chain, then of ten independent steps, as the
/// worker receives it (the whole history so far plus the new events, encoded), run through
/// <see cref="GrpcOrchestrationRunner"/> on one thread, for Frugal's orchestrator and the raw SDK's. No transport, no
/// sidecar, no activities, no other threads, so the figures repeat within a few per cent between runs, unlike the
/// end-to-end rounds; they say what the orchestrator itself costs, not the share of the end-to-end cost it causes
/// (allocation and cache misses make that larger).
/// </summary>
internal static class ReplayBenchmark
{
    private const int RunsPerRound = 2000;
    private const int Rounds = 6;

    public static void Run()
    {
        Run("10-step chain", EngineWorkloads.Chain(), RawSdkTasks.Chain, parallel: false);
        Run("10 independent steps", EngineWorkloads.Independent(), RawSdkTasks.Independent, parallel: true);
    }

    private static void Run(string shape, WorkflowDefinition definition, string rawOrchestrator, bool parallel)
    {
        var converter = FrugalDataConverter.Instance;
        var request = new WorkflowRunRequest(definition.Name, definition.Hash, definition.Source, definition.Name + ".yaml", new JsonObject { ["n"] = "run-1" });
        var response = new StepResponse([new CallResult(JsonValue.Create("run-1"), "deterministic", DurationMs: 0.0123)]);
        var frugal = WorkItems(WorkflowOrchestrator.Name, ExecuteStepActivity.Name, converter.Serialize(request)!, converter.Serialize(response)!, parallel);
        var raw = WorkItems(rawOrchestrator, RawSdkTasks.Noop, converter.Serialize("run-1")!, converter.Serialize("run-1")!, parallel);
        using var services = new ServiceCollection().AddSingleton(new DurableTaskWorkerOptions { DataConverter = converter }).BuildServiceProvider();
        var orchestrator = new WorkflowOrchestrator();

        AnsiConsole.MarkupLine($"[grey]{shape}: replaying every work item of {RunsPerRound} runs per round, {Rounds} rounds (the first two warm up) ...[/]");
        List<(double Us, double Kb)> frugalRounds = [], rawRounds = [];
        for (var round = 0; round < Rounds; round++)
        {
            var f = Measure(frugal, items => GrpcOrchestrationRunner.LoadAndRun(items, orchestrator, services));
            var r = Measure(raw, items => GrpcOrchestrationRunner.LoadAndRun<string, string>(
                items,
                async (context, input) => parallel ? await RawSdkTasks.IndependentAsync(context, input!) : await RawSdkTasks.ChainAsync(context, input!),
                services));
            if (round >= 2)
            {
                frugalRounds.Add(f);
                rawRounds.Add(r);
            }
        }

        var (fu, fk) = (Measurement.Middle(frugalRounds.Select(x => x.Us)), Measurement.Middle(frugalRounds.Select(x => x.Kb)));
        var (ru, rk) = (Measurement.Middle(rawRounds.Select(x => x.Us)), Measurement.Middle(rawRounds.Select(x => x.Kb)));
        var table = new Table().Title($"Orchestrator side of {shape}, per activity (median of rounds)");
        table.AddColumns("Engine", "CPU us", "KB allocated", "Run input bytes", "Step result bytes");
        table.AddRow("Frugal", $"{fu:0.0}", $"{fk:0.0}", $"{converter.Serialize(request)!.Length}", $"{converter.Serialize(response)!.Length}");
        table.AddRow("Raw SDK", $"{ru:0.0}", $"{rk:0.0}", $"{converter.Serialize("run-1")!.Length}", $"{converter.Serialize("run-1")!.Length}");
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"Frugal / raw: {ru / fu:0.00}x the raw SDK's speed on this side alone");
    }

    private static (double Us, double Kb) Measure(string[] workItems, Func<string, string> run)
    {
        var cpu = Environment.CpuUsage.TotalTime;
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        for (var chain = 0; chain < RunsPerRound; chain++)
        {
            foreach (var item in workItems)
            {
                run(item);
            }
        }

        var activities = (double)RunsPerRound * EngineWorkloads.ChainSteps;
        return (
            (Environment.CpuUsage.TotalTime - cpu).TotalMicroseconds / activities,
            (GC.GetTotalAllocatedBytes(precise: true) - allocated) / 1024.0 / activities);
    }

    /// <summary>
    /// A run's work items in order, each as the sidecar sends it: the first starts the run; the others carry the
    /// history so far (scheduled activities without inputs, as the local host trims them) and the next completion.
    /// A chain schedules the next step with each completion; <paramref name="parallel"/> steps are all scheduled at
    /// the start and complete one per work item (the most replays a fan-out of ten can take).
    /// </summary>
    private static string[] WorkItems(string orchestrator, string activity, string input, string result, bool parallel)
    {
        var now = Timestamp.FromDateTime(DateTime.UtcNow);
        P.HistoryEvent Started() => new() { EventId = -1, Timestamp = now, OrchestratorStarted = new P.OrchestratorStartedEvent() };
        P.HistoryEvent Scheduled(int id) => new() { EventId = id, Timestamp = now, TaskScheduled = new P.TaskScheduledEvent { Name = activity } };
        P.HistoryEvent Completed(int id) => new() { EventId = -1, Timestamp = now, TaskCompleted = new P.TaskCompletedEvent { TaskScheduledId = id, Result = result } };
        var execution = new P.HistoryEvent
        {
            EventId = -1,
            Timestamp = now,
            ExecutionStarted = new P.ExecutionStartedEvent
            {
                Name = orchestrator,
                Input = input,
                OrchestrationInstance = new P.OrchestrationInstance { InstanceId = "replay", ExecutionId = "1" },
            },
        };

        var items = new string[EngineWorkloads.ChainSteps + 1];
        for (var done = 0; done <= EngineWorkloads.ChainSteps; done++)
        {
            var request = new P.OrchestratorRequest { InstanceId = "replay" };
            if (done == 0)
            {
                request.NewEvents.Add([Started(), execution]);
            }
            else if (parallel)
            {
                request.PastEvents.Add([Started(), execution, .. Enumerable.Range(0, EngineWorkloads.ChainSteps).Select(Scheduled)]);
                for (var step = 1; step < done; step++)
                {
                    request.PastEvents.Add([Started(), Completed(step - 1)]);
                }

                request.NewEvents.Add([Started(), Completed(done - 1)]);
            }
            else
            {
                request.PastEvents.Add([Started(), execution, Scheduled(0)]);
                for (var step = 1; step < done; step++)
                {
                    request.PastEvents.Add([Started(), Completed(step - 1), Scheduled(step)]);
                }

                request.NewEvents.Add([Started(), Completed(done - 1)]);
            }

            items[done] = request.ToByteString().ToBase64();
        }

        return items;
    }
}
