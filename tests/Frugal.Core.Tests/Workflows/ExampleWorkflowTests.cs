using System.Text.Json.Nodes;
using Frugal.Workflows;

namespace Frugal.Core.Tests.Workflows;

public sealed class ExampleWorkflowTests
{
    [Fact]
    public void Load_SupportTriage_LoadsWithDependencies()
    {
        var workflow = WorkflowLoader.Load(RepoPaths.Workflow("support-triage.yaml"));

        Assert.Equal("support-triage", workflow.Name);
        Assert.Equal(["faq", "triage", "answer", "reply"], workflow.Steps.Select(s => s.Id));
        Assert.Equal(["faq", "triage"], workflow.Steps[2].DependsOn);
        Assert.Equal(["faq", "answer"], workflow.Steps[3].DependsOn);
        var answer = Assert.IsType<ModelStep>(workflow.Steps[2]);
        Assert.Equal(ModelTier.Auto, answer.Tier);
        Assert.NotNull(answer.OutputSchema);
    }

    [Fact]
    public void Load_BatchSummarise_LoadsForEach()
    {
        var workflow = WorkflowLoader.Load(RepoPaths.Workflow("batch-summarise.yaml"));

        var each = Assert.IsType<ForEachStep>(Assert.Single(workflow.Steps));
        Assert.Equal(8, each.BatchSize);
        Assert.Equal(4, each.Parallelism);
        Assert.Equal(ModelTier.Cheap, Assert.IsType<ModelStep>(each.Body).Tier);
    }

    [Fact]
    public void Load_RagAnswer_FailsWithRetrieveNotAvailable()
    {
        var path = RepoPaths.Workflow("rag-answer.yaml");

        var ex = Assert.Throws<WorkflowValidationException>(() => WorkflowLoader.Load(path));

        var diagnostic = Assert.Single(ex.Diagnostics);
        Assert.Equal(
            $"{path}:16:11: step kind 'retrieve' is not available yet: retrieval arrives with the semantic cache and embeddings; remove the step or use a model step",
            diagnostic.ToString());
    }

    [Fact]
    public void Validate_SupportTriageSamples_AllConform()
    {
        var workflow = WorkflowLoader.Load(RepoPaths.Workflow("support-triage.yaml"));
        var lines = File.ReadAllLines(Path.Combine(RepoPaths.Workflows, "samples", "support-triage.jsonl"));

        Assert.InRange(lines.Length, 6, 10);
        foreach (var line in lines)
        {
            Assert.Empty(WorkflowInputValidator.Validate(workflow, JsonNode.Parse(line)));
        }
    }

    [Fact]
    public void Validate_BatchSummariseSample_Conforms()
    {
        var workflow = WorkflowLoader.Load(RepoPaths.Workflow("batch-summarise.yaml"));
        var input = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Workflows, "samples", "batch-summarise.json")));

        Assert.Empty(WorkflowInputValidator.Validate(workflow, input));
    }

    [Fact]
    public void Evaluate_SupportTriageFaqHit_OutputsCannedReply()
    {
        var workflow = WorkflowLoader.Load(RepoPaths.Workflow("support-triage.yaml"));
        var reply = workflow.Steps[3] as DeterministicStep;
        var scope = new JsonObject
        {
            ["input"] = new JsonObject { ["subject"] = "Password reset", ["body"] = "help" },
            ["steps"] = new JsonObject
            {
                ["faq"] = new JsonObject { ["output"] = "Use the reset link." },
                ["triage"] = new JsonObject { ["output"] = null },
                ["answer"] = new JsonObject { ["output"] = null },
                ["reply"] = new JsonObject { ["output"] = "Hello" },
            },
        };

        Assert.Contains("Use the reset link.", reply!.Input.Render(scope), StringComparison.Ordinal);
        var output = workflow.Output!.Evaluate(scope)!.AsObject();
        Assert.Equal("faq", output["answered_by"]!.GetValue<string>());
        Assert.Equal("faq", output["category"]!.GetValue<string>());
        Assert.False(workflow.Steps[1].When!.IsTrue(scope));
    }
}
