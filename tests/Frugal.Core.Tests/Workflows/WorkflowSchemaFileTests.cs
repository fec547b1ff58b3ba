using System.Text.Json;
using Json.Schema;

namespace Frugal.Core.Tests.Workflows;

/// <summary>workflows/schema.json as editors read it, evaluated by JsonSchema.Net without Frugal's own checks.</summary>
public sealed class WorkflowSchemaFileTests
{
    private const string ForEach = """
        {"name": "demo", "input": {"type": "object"}, "steps": [
          {"id": "a", "kind": "model", "prompt": "hi"},
          {"id": "each", "kind": "foreach", "items": "${ input.docs }", "when": "${ len(input.docs) > 0 }", "needs": ["a"],
           "do": {"kind": "model", "prompt": "${ item }"BODY}}]}
        """;

    [Theory]
    [InlineData("when", "\"${ item != '' }\"")]
    [InlineData("needs", "[\"a\"]")]
    [InlineData("id", "\"inner\"")]
    public void Evaluate_StepOnlyKeyInsideForEachDo_IsInvalidAsFrugalValidateSays(string key, string value)
    {
        // The schema let editors put 'when' and 'needs' inside 'do' without a squiggle; frugal validate refused the file.
        var results = Schema().Evaluate(Parse(ForEach.Replace("BODY", $", \"{key}\": {value}", StringComparison.Ordinal)));

        Assert.False(results.IsValid, $"'{key}' inside 'do' passed the schema");
    }

    [Fact]
    public void Evaluate_ForEachWithWhenAndNeedsOnItself_IsValid()
    {
        var results = Schema().Evaluate(Parse(ForEach.Replace("BODY", string.Empty, StringComparison.Ordinal)));

        Assert.True(results.IsValid);
    }

    private static JsonSchema Schema() => JsonSchema.FromText(File.ReadAllText(RepoPaths.Workflow("schema.json")), new BuildOptions { SchemaRegistry = new SchemaRegistry() }); // its own registry: the $id is registered once per registry

    private static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement;
}
