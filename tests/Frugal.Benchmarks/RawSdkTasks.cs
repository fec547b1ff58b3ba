using Microsoft.DurableTask;

namespace Frugal.Benchmarks;

/// <summary>The same two workloads written directly against the Durable Task SDK: the baseline.</summary>
internal static class RawSdkTasks
{
    public const string Chain = "RawChain";
    public const string FanOut = "RawFanOut";
    public const string Noop = "RawNoop";

    public static void Register(DurableTaskRegistry registry)
    {
        registry.AddActivityFunc<string, string>(Noop, (_, input) => input);
        registry.AddOrchestratorFunc<string, string>(Chain, async (context, input) =>
        {
            var value = input;
            for (var i = 0; i < EngineWorkloads.ChainSteps; i++)
            {
                value = await context.CallActivityAsync<string>(Noop, value);
            }

            return value;
        });
        registry.AddOrchestratorFunc<string, int>(FanOut, async (context, input) =>
        {
            var tasks = Enumerable.Range(0, EngineWorkloads.FanOutItems)
                .Select(i => context.CallActivityAsync<string>(Noop, $"{input}-{i}"))
                .ToList();
            var results = await Task.WhenAll(tasks);
            return results.Length;
        });
    }
}
