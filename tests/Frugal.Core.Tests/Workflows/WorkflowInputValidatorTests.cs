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
    public void TryValidate_ConformingInput_GivesTheInputToStart()
    {
        var input = JsonNode.Parse("""{"subject":"Hi","body":"Help"}""");

        Assert.True(WorkflowInputValidator.TryValidate(Triage, input, out var valid, out var violations));

        Assert.Empty(violations);
        Assert.Same(Triage, valid.Definition);
        Assert.Same(input, valid.Input);
    }

    [Fact]
    public void TryValidate_BadInput_GivesEveryViolationAndNothingToStart()
    {
        var input = JsonNode.Parse("""{"subject": 5, "customer_tier": "gold", "priority": "high"}""");

        Assert.False(WorkflowInputValidator.TryValidate(Triage, input, out var valid, out var violations));

        Assert.Null(valid);
        Assert.Equal(WorkflowInputValidator.Validate(Triage, input), violations);
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

    [Theory]
    [InlineData("{\"tags\": [1e30, 2]}", "/tags/0", "'tags' item 1 is the number 1e30")]
    [InlineData("{\"tier\": -1e400}", "/tier", "'tier' is the number -1e400")]
    public void Validate_NumberPastWhatTheCheckerCompares_IsAViolationNotACrash(string json, string pointer, string message)
    {
        // JsonSchema.Net compares numbers as decimals (uniqueItems, enum, const, contains) and threw FormatException on
        // one past decimal's range: the HTTP API answered 500 and frugal run ended with exit 1.
        var definition = WorkflowLoader.Parse("""
            name: numbers
            input:
              type: object
              properties:
                tags: { type: array, uniqueItems: true }
                tier: { enum: [1, 2, 3] }
            steps:
              - id: a
                kind: deterministic
                operation: template
                input: ok
            """, "numbers.yaml");

        var violation = Assert.Single(WorkflowInputValidator.Validate(definition, JsonNode.Parse(json)));

        Assert.Equal(pointer, violation.Pointer);
        Assert.Equal(message + ", too large for the schema check to compare (it reads numbers up to about 7.9e28); write a smaller number, or text", violation.Message);
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
