using Frugal.Workflows;

namespace Frugal.Core.Tests.Workflows;

public sealed class ExampleWorkflowTests
{
    [Fact]
    public void Load_SupportTriage_Loads()
    {
        var workflow = WorkflowLoader.Load(RepoPaths.Workflow("support-triage.yaml"));
        Assert.Equal("support-triage", workflow.Name);
        Assert.Equal(["faq", "triage", "answer", "reply"], workflow.Steps.Select(s => s.Id));
    }

    [Fact]
    public void Load_BatchSummarise_Loads()
    {
        var workflow = WorkflowLoader.Load(RepoPaths.Workflow("batch-summarise.yaml"));
        var each = Assert.IsType<ForEachStep>(Assert.Single(workflow.Steps));
        Assert.Equal(8, each.BatchSize);
    }

    [Fact]
    public void Load_RagAnswer_FailsWithRetrieveNotAvailable()
    {
        var ex = Assert.Throws<WorkflowValidationException>(() => WorkflowLoader.Load(RepoPaths.Workflow("rag-answer.yaml")));
        Console.WriteLine(ex.Message);
        Assert.Contains("not available yet", ex.Message, StringComparison.Ordinal);
    }
}
