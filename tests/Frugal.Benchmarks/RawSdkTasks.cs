using System.Text.Json.Nodes;
using Frugal.Engine;
using Frugal.Workflows;
using Microsoft.DurableTask;

namespace Frugal.Benchmarks;

/// <summary>The same two workloads written directly against the Durable Task SDK: the baseline.</summary>
internal static class RawSdkTasks
{
    public const string Chain = "RawChain";
    public const string FanOut = "RawFanOut";
    public const string Independent = "RawIndependent";
    public const string Noop = "RawNoop";

    /// <summary>The same workloads again, carrying Frugal's activity messages through a trivial activity (--typed-raw).</summary>
    public const string TypedChain = "RawTypedChain";
    public const string TypedFanOut = "RawTypedFanOut";
    public const string TypedNoop = "RawTypedNoop";

    public static void Register(DurableTaskRegistry registry)
    {
        registry.AddActivityFunc<string, string>(Noop, (_, input) => input);
        registry.AddOrchestratorFunc<string, string>(Chain, ChainAsync);
        registry.AddOrchestratorFunc<string, string>(Independent, IndependentAsync);
        registry.AddOrchestratorFunc<string, int>(FanOut, async (context, input) =>
        {
            var tasks = Enumerable.Range(0, EngineWorkloads.FanOutItems)
                .Select(i => context.CallActivityAsync<string>(Noop, $"{input}-{i}"))
                .ToList();
            var results = await Task.WhenAll(tasks);
            return results.Length;
        });

        // Frugal's request and response types through an activity that does nothing: what the message types cost
        // the SDK, apart from Frugal's engine and ledger.
        registry.AddActivityFunc<StepRequest, StepResponse>(TypedNoop, (_, request) =>
            new StepResponse([new CallResult(((DeterministicCall)request.Calls[0]).Input?.DeepClone(), "deterministic")]));
        registry.AddOrchestratorFunc<string, string>(TypedChain, async (context, input) =>
        {
            var value = input;
            for (var i = 0; i < EngineWorkloads.ChainSteps; i++)
            {
                var response = await context.CallActivityAsync<StepResponse>(TypedNoop, Request($"s{i + 1}", JsonValue.Create(value), -1));
                value = response.Results[0].Output!.GetValue<string>();
            }

            return value;
        });
        registry.AddOrchestratorFunc<string, int>(TypedFanOut, async (context, input) =>
        {
            var tasks = Enumerable.Range(0, EngineWorkloads.FanOutItems)
                .Select(i => context.CallActivityAsync<StepResponse>(TypedNoop, Request("each", JsonValue.Create(i), i)))
                .ToList();
            var results = await Task.WhenAll(tasks);
            return results.Length;
        });
    }

    /// <summary>The raw chain: the previous activity's output is the next one's input.</summary>
    public static async Task<string> ChainAsync(TaskOrchestrationContext context, string input)
    {
        var value = input;
        for (var i = 0; i < EngineWorkloads.ChainSteps; i++)
        {
            value = await context.CallActivityAsync<string>(Noop, value);
        }

        return value;
    }

    /// <summary>Ten parallel calls of the no-op activity.</summary>
    public static async Task<string> IndependentAsync(TaskOrchestrationContext context, string input)
    {
        var results = await Task.WhenAll(Enumerable.Range(0, EngineWorkloads.ChainSteps).Select(_ => context.CallActivityAsync<string>(Noop, input)));
        return results[^1];
    }

    private static StepRequest Request(string step, JsonNode input, int item) => new(
        "bench", "b6681e3e447d54ad9ba7e61fee12287f601e5b6181ef2f6a2c265d833fc76674", WorkflowRunRequest.DefaultTenant, step, 1,
        [new DeterministicCall(DeterministicOperation.Template, input)], Math.Max(0, item), item);
}
