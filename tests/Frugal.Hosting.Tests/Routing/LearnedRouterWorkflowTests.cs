using System.Text.Json.Nodes;
using Frugal.Engine;
using Frugal.Workflows;
using Microsoft.DurableTask.Client;

namespace Frugal.Hosting.Tests.Routing;

/// <summary>A classify step that names the shipped learned router, through a real orchestration in the local host.</summary>
[Collection(LocalHostGroup.Name)]
public sealed class LearnedRouterWorkflowTests(LocalHostFixture fixture)
{
    private const string Workflow =
        """
        name: learned-route
        input: { type: object, properties: { question: { type: string } } }
        steps:
          - id: triage
            kind: classify
            router: default
            premium_threshold: THRESHOLD
            input: ${ input.question }
          - id: answer
            kind: model
            tier: auto
            route: triage
            prompt: ${ input.question }
        output: ${ steps.triage.output }
        """;

    [Theory]
    [InlineData("0")]
    [InlineData("0.5")]
    [InlineData("1")]
    public async Task RunAsync_ClassifyWithDefaultRouter_ScoresAndRoutesByThreshold(string threshold)
    {
        var definition = WorkflowLoader.Parse(Workflow.Replace("THRESHOLD", threshold, StringComparison.Ordinal), "learned-route.yaml");
        var input = new JsonObject { ["question"] = "A baker makes 12 loaves an hour for 7 hours and sells them at $3 each. How much does she earn?" };
        var client = fixture.Runtime.Host.Client;

        var id = await WorkflowStarter.StartAsync(client, definition, input);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var metadata = await client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, timeout.Token);

        Assert.True(metadata.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"run ended {metadata.RuntimeStatus}: {metadata.FailureDetails?.ErrorMessage}");
        var result = metadata.ReadOutputAs<WorkflowRunResult>()!;
        var output = result.Output!.AsObject();
        var score = output["score"]!.GetValue<double>();
        var expectedTier = score >= double.Parse(threshold, System.Globalization.CultureInfo.InvariantCulture) ? "premium" : "cheap";
        Assert.Equal("default", output["router"]!.GetValue<string>());
        Assert.Equal(expectedTier, output["tier"]!.GetValue<string>());
        Assert.InRange(score, 0, 1);
        Assert.True(output["signals"]!.AsObject().ContainsKey("expected_gain"));
        Assert.Equal(1, Assert.Single(result.Steps, s => s.StepId == "answer").Tiers[expectedTier]);
    }
}
