using System.Text.Json.Nodes;
using Frugal.Workflows;

namespace Frugal.Core.Tests.Workflows;

public sealed class WorkflowInputValidatorTests
{
    private static readonly WorkflowDefinition Triage = WorkflowLoader.Load(RepoPaths.Workflow("support-triage.yaml"));

    [Fact]
    public void Validate_ConformingInput_ReturnsNothing()
    {
        Assert.Empty(WorkflowInputValidator.Validate(Triage, JsonNode.Parse("""{"subject":"Hi","body":"Help"}""")));
    }

    [Fact]
    public void Validate_SeveralProblems_ListsEveryViolation()
    {
        var input = JsonNode.Parse("""{"subject": 5, "customer_tier": "gold", "priority": "high"}""");

        var violations = WorkflowInputValidator.Validate(Triage, input);

        Assert.Contains(new InputViolation("", "missing required property 'body'"), violations);
        Assert.Contains(new InputViolation("/subject", "'subject' must be a text, found 5"), violations);
        Assert.Contains(new InputViolation("/customer_tier", "'customer_tier' cannot be 'gold'; expected one of: free, pro, enterprise"), violations);
        Assert.Contains(violations, v => v.Pointer == "/priority" && v.Message.StartsWith("unknown property 'priority'", StringComparison.Ordinal));
        Assert.Equal(4, violations.Count);
    }

    [Fact]
    public void Validate_NotAnObject_SaysWhatWasExpected()
    {
        var violation = Assert.Single(WorkflowInputValidator.Validate(Triage, JsonValue.Create("text")));

        Assert.Equal(new InputViolation("", "the input must be an object, found 'text'"), violation);
    }

    [Fact]
    public void Validate_TooLongText_NamesTheLimit()
    {
        var input = new JsonObject { ["subject"] = new string('x', 301), ["body"] = "b" };

        var violation = Assert.Single(WorkflowInputValidator.Validate(Triage, input));

        Assert.Equal(new InputViolation("/subject", "'subject' must be at most 300 characters long"), violation);
    }
}
