using System.Text.Json;
using System.Text.Json.Nodes;
using Frugal.Emulator.Chat;
using Json.Schema;

namespace Frugal.Core.Tests.Models;

public sealed class JsonSchemaInstanceGeneratorTests
{
    private static readonly PromptDigest Digest = PromptDigest.From(
        "gpt-4o-mini",
        [new PromptMessage("user", null, "Route the refund request for order 1234 to the billing team.")]);

    [Theory]
    [InlineData("""{"type":"object","properties":{"n":{"type":"integer","exclusiveMinimum":0,"exclusiveMaximum":3}},"required":["n"]}""")]
    [InlineData("""{"type":"object","properties":{"x":{"type":"number","minimum":-2.5,"maximum":-2.4}},"required":["x"]}""")]
    [InlineData("""{"type":"object","properties":{"x":{"type":"number","multipleOf":0.25,"minimum":1}},"required":["x"]}""")]
    [InlineData("""{"type":"object","properties":{"s":{"type":"string","minLength":200}},"required":["s"]}""")]
    [InlineData("""{"type":"object","properties":{"s":{"type":"string","maxLength":3}},"required":["s"]}""")]
    [InlineData("""{"type":"object","properties":{"when":{"type":"string","format":"date-time"},"id":{"type":"string","format":"uuid"}},"required":["when","id"]}""")]
    [InlineData("""{"type":"object","properties":{"k":{"const":"fixed"},"v":{"type":["string","null"]}},"required":["k","v"]}""")]
    [InlineData("""{"type":"array","items":{"type":"integer"},"minItems":3,"maxItems":3}""")]
    [InlineData("""{"anyOf":[{"type":"null"},{"type":"object","properties":{"a":{"type":"boolean"}},"required":["a"]}]}""")]
    [InlineData("""{"allOf":[{"type":"object","properties":{"a":{"type":"string"}},"required":["a"]},{"properties":{"b":{"type":"integer","minimum":10}},"required":["b"]}]}""")]
    [InlineData("""{"$defs":{"node":{"type":"object","properties":{"name":{"type":"string"},"children":{"type":"array","items":{"$ref":"#/$defs/node"}}},"required":["name","children"],"additionalProperties":false}},"$ref":"#/$defs/node"}""")]
    [InlineData("""{"type":"object","properties":{"steps":{"type":"array","items":{"type":"object","properties":{"label":{"enum":["a","b","c"]},"score":{"type":"integer","minimum":1,"maximum":5}},"required":["label","score"],"additionalProperties":false}}},"required":["steps"],"additionalProperties":false}""")]
    [InlineData("""{"type":"object","properties":{"code":{"type":"string","pattern":"^[A-Z]{3}$"}},"required":["code"]}""")]
    [InlineData("""{"type":"object","properties":{"order":{"type":"string","pattern":"^ORD-\\d{4,6}$"},"sku":{"type":"string","pattern":"[a-z]+-[0-9]+","maxLength":12}},"required":["order","sku"]}""")]
    [InlineData("""{"type":"object","properties":{"level":{"type":"string","pattern":"^(low|medium|high)$"}},"required":["level"]}""")]
    [InlineData("""{"type":"object","properties":{"tags":{"type":"array","items":{"type":"string"},"minItems":3,"uniqueItems":true}},"required":["tags"]}""")]
    [InlineData("""{"type":"array","items":{"type":"integer","minimum":0,"maximum":50},"minItems":4,"uniqueItems":true}""")]
    [InlineData("""{"type":"array","items":{"enum":["a","b","c"]},"minItems":3,"uniqueItems":true}""")]
    [InlineData("""{"type":"array","items":{"type":"integer"},"contains":{"type":"integer","minimum":100}}""")]
    [InlineData("""{"type":"object","additionalProperties":{"type":"integer"},"minProperties":2}""")]
    [InlineData("""{"type":"object","patternProperties":{"^x-[a-z]+$":{"type":"string"}},"additionalProperties":false,"minProperties":2}""")]
    [InlineData("""{"type":"object","properties":{"d":{"type":"string","format":"date","pattern":"^2024-0[1-9]-1[0-9]$"}},"required":["d"]}""")]
    [InlineData("""{"type":"array","items":{"type":"object","properties":{"name":{"type":"string"}},"required":["name"]},"minItems":2,"uniqueItems":true}""")]
    [InlineData("""{"type":"array","items":{"type":"object","properties":{"id":{"type":"string"},"status":{"type":"string"}},"required":["id","status"]},"contains":{"properties":{"status":{"const":"open"}},"required":["status"]}}""")]
    [InlineData("""{"type":"array","items":{"type":"integer","maximum":10},"contains":{"type":"integer","minimum":5}}""")]
    public void Generate_Schema_InstanceValidates(string schemaText)
    {
        var instance = JsonSchemaInstanceGenerator.Generate(JsonNode.Parse(schemaText)!, Digest);

        var result = JsonSchema.FromText(schemaText).Evaluate(JsonDocument.Parse(instance.ToJsonString()).RootElement);
        Assert.True(result.IsValid, instance.ToJsonString());
    }

    [Fact]
    public void Generate_ConstraintsMovedToDescription_HonoursThem()
    {
        var schema = JsonNode.Parse("""{"type":"object","properties":{"n":{"type":"integer","description":"minimum: 1\nmaximum: 5"},"s":{"type":"string","description":"maxLength: 4"}},"required":["n","s"]}""")!;

        var instance = JsonSchemaInstanceGenerator.Generate(schema, Digest);

        Assert.InRange(instance["n"]!.GetValue<long>(), 1, 5);
        Assert.True(instance["s"]!.GetValue<string>().Length <= 4, instance.ToJsonString());
    }

    [Fact]
    public void Generate_SameDigest_SameInstance()
    {
        var schema = JsonNode.Parse("""{"type":"object","properties":{"label":{"enum":["a","b","c","d","e"]},"n":{"type":"integer"}}}""")!;

        var first = JsonSchemaInstanceGenerator.Generate(schema, Digest).ToJsonString();
        var second = JsonSchemaInstanceGenerator.Generate(schema, Digest).ToJsonString();

        Assert.Equal(first, second);
    }
}
