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
    public void Validate_RulesInsideListItems_NameTheirLimits()
    {
        // Under 'items' the rule's value went missing: "'id' must be at least  characters long".
        var definition = WorkflowLoader.Parse("""
            name: listed
            input:
              type: object
              properties:
                rows:
                  type: array
                  items:
                    type: object
                    properties:
                      id: { type: string, minLength: 1 }
                      n: { type: integer, maximum: 5 }
                      color: { enum: [red, blue] }
                      code: { type: string, pattern: "^[A-Z]+$" }
            steps:
              - id: a
                kind: deterministic
                operation: template
                input: x
            """, "listed.yaml");

        var violations = WorkflowInputValidator.Validate(definition, JsonNode.Parse("""{"rows": [{"id": "", "n": 9, "color": "green", "code": "abc"}]}"""));

        Assert.Equivalent(
            new[]
            {
                new InputViolation("/rows/0/id", "'id' must be at least 1 characters long"),
                new InputViolation("/rows/0/n", "'n' must be at most 5, found 9"),
                new InputViolation("/rows/0/color", "'color' cannot be 'green'; expected one of: red, blue"),
                new InputViolation("/rows/0/code", "'code' 'abc' does not match ^[A-Z]+$"),
            },
            violations,
            strict: true);
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

    [Fact]
    public void Validate_LongValueInAViolation_IsNamedByItsStartAndLength()
    {
        // Messages go to logs, traces and HTTP answers; a 20,000-character document was copied into each whole.
        var input = JsonNode.Parse($$"""{"subject": "Hi", "body": "Help", "customer_tier": "{{new string('x', 20_000)}}"}""");

        var violation = Assert.Single(WorkflowInputValidator.Validate(Triage, input));

        Assert.Equal(new InputViolation("/customer_tier", $"'customer_tier' cannot be '{new string('x', 57)}...' (20,000 characters); expected one of: free, pro, enterprise"), violation);
    }
}
