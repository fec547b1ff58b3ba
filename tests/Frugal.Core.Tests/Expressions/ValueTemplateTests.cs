using System.Text.Json.Nodes;
using Frugal.Expressions;

namespace Frugal.Core.Tests.Expressions;

public sealed class ValueTemplateTests
{
    private static JsonObject Scope() => new()
    {
        ["input"] = new JsonObject { ["name"] = "Ada", ["tags"] = new JsonArray("a", "b"), ["n"] = 4 },
    };

    [Fact]
    public void Evaluate_WholeValueTemplate_KeepsTheValuesType()
    {
        var value = ValueTemplate.Parse("${ input.tags }").Evaluate(Scope());

        Assert.Equal("[\"a\",\"b\"]", value!.ToJsonString());
    }

    [Fact]
    public void Render_Interpolation_RendersTextAndJson()
    {
        var text = ValueTemplate.Parse("Hi ${ input.name }, ${ input.n } tags: ${ input.tags }").Render(Scope());

        Assert.Equal("Hi Ada, 4 tags: [\"a\",\"b\"]", text);
    }

    [Fact]
    public void Render_ObjectInText_WritesQuotesSymbolsAndLettersAsThemselves()
    {
        // A record in a prompt reached the model as {\u0022q\u0022:\u0022caf\u00E9 \u003E \u65E5\u672C\u0022}: escapes it
        // paid tokens for and read as noise (tojson() already wrote them as themselves).
        var scope = new JsonObject { ["input"] = new JsonObject { ["rec"] = new JsonObject { ["q"] = "café > 日本 & 'x'" } } };

        var text = ValueTemplate.Parse("Data: ${ input.rec } / ${ string(input.rec) }").Render(scope);

        Assert.Equal("""Data: {"q":"café > 日本 & 'x'"} / {"q":"café > 日本 & 'x'"}""", text);
    }

    [Fact]
    public void Render_ObjectWithEmojiAndUnicodeSpaces_WritesThemAsThemselves()
    {
        // An emoji reached the model as \uD83D\uDE00, a no-break space as \u00A0 and an ideographic space as \u3000:
        // more tokens paid and a different prompt. JSON requires only the quote, the backslash and control characters escaped.
        var record = new JsonObject { ["q"] = "ok 😀 10\u00A0€ 日本\u3000語 \"quoted\" back\\slash\nline\u0001" };
        var scope = new JsonObject { ["input"] = new JsonObject { ["rec"] = record.DeepClone() } };

        var text = ValueTemplate.Parse("${ input.rec } ${ tojson(input.rec) }").Render(scope);

        var json = "{\"q\":\"ok 😀 10\u00A0€ 日本\u3000語 \\\"quoted\\\" back\\\\slash\\nline\\u0001\"}";
        Assert.Equal($"{json} {json}", text);
        Assert.True(JsonNode.DeepEquals(record, JsonNode.Parse(text[..json.Length]))); // still JSON, the same value
    }

    [Fact]
    public void Render_DoubleDollar_WritesLiteralTemplate()
    {
        Assert.Equal("cost: ${ input.name } Ada", ValueTemplate.Parse("cost: $${ input.name } ${ input.name }").Render(Scope()));
    }

    [Fact]
    public void Render_NoTemplate_IsTheTextItself()
    {
        Assert.Equal("plain $ text {}", ValueTemplate.Parse("plain $ text {}").Render(Scope()));
    }

    [Fact]
    public void Evaluate_ObjectTemplate_EvaluatesEveryString()
    {
        var template = ValueTemplate.FromNode(JsonNode.Parse("""{"who":"${ input.name }","list":["${ input.n }", 1]}"""));

        Assert.Equal("""{"who":"Ada","list":[4,1]}""", template.Evaluate(Scope())!.ToJsonString());
    }

    [Fact]
    public void Evaluate_ObjectTemplateMemberFails_SaysWhichMember()
    {
        var template = ValueTemplate.FromNode(JsonNode.Parse("""{"who":"${ input.name }","reply":{"count":"${ input.name - 1 }"}}"""));

        var ex = Assert.Throws<ExpressionException>(() => template.Evaluate(Scope()));

        Assert.Equal("reply.count", ex.Path);
        Assert.StartsWith("'-' needs two numbers", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_BraceInsideString_DoesNotCloseTemplate()
    {
        Assert.Equal("x}y", ValueTemplate.Parse("${ 'x}y' }").Render(Scope()));
    }

    [Theory]
    [InlineData("Hi ${ input.name", 3, "unterminated '${'; expected '}'")]
    [InlineData("Hi ${ input. }", 13, "expected a name after '.'")]
    [InlineData("${ }", 3, "expected an expression, found nothing")]
    [InlineData("a ${ nope(1) }", 5, "unknown function 'nope'")]
    [InlineData("a ${ input.b ==) } c", 15, "unexpected ')'")]
    [InlineData("${ len(input.b)) }", 15, "unexpected ')'")]
    public void Parse_BadTemplate_ThrowsWithOffsetInTheString(string text, int offset, string message)
    {
        var ex = Assert.Throws<ExpressionException>(() => ValueTemplate.Parse(text));

        Assert.Equal(offset, ex.Offset);
        Assert.StartsWith(message, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromNode_BadString_ReportsThroughHandler()
    {
        var failures = new List<(JsonNode Node, ExpressionException Error)>();

        ValueTemplate.FromNode(JsonNode.Parse("""{"a":"${ input. }","b":"ok"}"""), (n, e) => failures.Add((n, e)));

        var failure = Assert.Single(failures);
        Assert.Equal("${ input. }", failure.Node.GetValue<string>());
    }

    [Fact]
    public void Parse_References_AreCollected()
    {
        var template = ValueTemplate.Parse("${ steps.a.output } and ${ item.x }");

        Assert.Equal([new StepReference("a", 9)], template.StepReferences);
        Assert.Equal(["steps", "item"], template.RootReferences.Select(r => r.Name));
    }
}
