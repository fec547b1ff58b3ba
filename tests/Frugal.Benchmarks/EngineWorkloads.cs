using System.Text.Json.Nodes;
using Frugal.Workflows;

namespace Frugal.Benchmarks;

/// <summary>The two workloads of the engine benchmark, as Frugal workflows.</summary>
internal static class EngineWorkloads
{
    public const int ChainSteps = 10;
    public const int FanOutItems = 100;

    /// <summary>Ten no-op steps, each reading the previous one (a chain: one activity at a time per run).</summary>
    public static WorkflowDefinition Chain() =>
        TenSteps("chain", i => i == 1 ? "${ input.n }" : $"${{ steps.s{i - 1}.output }}");

    /// <summary>
    /// Ten no-op steps that refer to nothing but the run input: independent, so Frugal sends them all at once, like
    /// the raw SDK's ten parallel activities (the issue's "workflow of 10 no-op steps" read as written).
    /// </summary>
    public static WorkflowDefinition Independent() => TenSteps("independent", _ => "${ input.n }");

    /// <summary>Ten deterministic template steps, step <c>s{i}</c> rendering <paramref name="input"/>(i).</summary>
    private static WorkflowDefinition TenSteps(string name, Func<int, string> input)
    {
        var steps = string.Join('\n', Enumerable.Range(1, ChainSteps).Select(i => $"""
              - id: s{i}
                kind: deterministic
                operation: template
                input: "{input(i)}"
            """));
        return WorkflowLoader.Parse($"""
            name: {name}
            input: {"{"} type: object {"}"}
            steps:
            {steps}
            output: ${"{"} steps.s{ChainSteps}.output {"}"}
            """, name + ".yaml");
    }

    /// <summary>A foreach of 100 no-op items, one per activity call, all in flight at once.</summary>
    public static WorkflowDefinition FanOut() => WorkflowLoader.Parse($$"""
        name: fanout
        input: { type: object }
        steps:
          - id: each
            kind: foreach
            items: ${ input.items }
            batch_size: 1
            parallelism: {{FanOutItems}}
            do:
              kind: deterministic
              operation: template
              input: ${ item }
        output: ${ len(steps.each.output) }
        """, "fanout.yaml");

    public static JsonObject FanOutInput() =>
        new() { ["items"] = new JsonArray([.. Enumerable.Range(0, FanOutItems).Select(i => (JsonNode?)JsonValue.Create(i))]) };
}
