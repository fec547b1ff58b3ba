using System.Text.Json.Nodes;
using Frugal.Expressions;

namespace Frugal.Core.Tests.Expressions;

public sealed class ExpressionTests
{
    private static JsonObject Scope() => new()
    {
        ["input"] = new JsonObject
        {
            ["name"] = "Ada",
            ["count"] = 3,
            ["tags"] = new JsonArray("billing", "urgent"),
            ["empty"] = "",
            ["big"] = JsonNode.Parse("2e17"),
            ["huge"] = JsonNode.Parse("1e21"),
        },
        ["steps"] = new JsonObject { ["triage"] = new JsonObject { ["output"] = new JsonObject { ["tier"] = "premium" } } },
        ["item"] = new JsonObject { ["id"] = "d1" },
        ["index"] = 2,
    };

    [Theory]
    [InlineData("input.name", "\"Ada\"")]
    [InlineData("input['name']", "\"Ada\"")]
    [InlineData("input.tags[1]", "\"urgent\"")]
    [InlineData("input.tags[-1]", "\"urgent\"")]
    [InlineData("input.missing.deeper", "null")]
    [InlineData("input.count + 2", "5")]
    [InlineData("input.count - 1", "2")]
    [InlineData("'a' + 'b'", "\"ab\"")]
    [InlineData("input.count >= 3 && input.name == 'Ada'", "true")]
    [InlineData("input.empty || 'fallback'", "\"fallback\"")]
    [InlineData("!input.empty", "true")]
    [InlineData("len(input.tags)", "2")]
    [InlineData("contains(input.tags, 'urgent')", "true")]
    [InlineData("contains(steps.triage.output, 'tier')", "true")] // an object: a key of it
    [InlineData("contains(steps.triage.output, 'Tier')", "false")] // keys are compared exactly
    [InlineData("contains(steps.triage.output, 'premium')", "false")] // a value is no key: its JSON text was searched
    [InlineData("contains(steps.triage.output, 'tier\"')", "false")] // nor is a piece of the JSON syntax
    [InlineData("contains(input, 'name')", "true")]
    [InlineData("contains(input.name, 'da')", "true")] // text: a part of it, whatever the case
    [InlineData("lower('ABC') == 'abc'", "true")]
    [InlineData("coalesce(input.missing, 7)", "7")]
    [InlineData("join(input.tags, '|')", "\"billing|urgent\"")]
    [InlineData("steps.triage.output.tier", "\"premium\"")]
    [InlineData("item.id + '#' + string(index)", "\"d1#2\"")]
    [InlineData("[1, 2][0]", "1")]
    [InlineData("(1 + 2) == 3", "true")]
    [InlineData("truncate('ok \U0001F389 done', 3)", "\"ok \"")]
    [InlineData("truncate('ok \U0001F389 done', 4)", "\"ok \\uD83C\\uDF89\"")] // characters, so an emoji is whole or gone
    [InlineData("len('ok \U0001F389')", "4")] // it counted UTF-16 units: 5
    [InlineData("truncate('ok \U0001F44D\U0001F3FD', 4)", "\"ok \"")] // kept the thumb without its skin tone
    [InlineData("truncate('\U0001F1EB\U0001F1F7!', 1)", "\"\"")] // kept half of the flag of France
    [InlineData("truncate('cafe\u0301s', 4)", "\"caf\"")] // kept the e without its accent
    [InlineData("len(truncate('a\U0001F44D\U0001F3FDb', 3))", "3")]
    [InlineData("len('\U00020BB7\u91CE\u5BB6')", "3")]
    [InlineData("'caf\\u00e9'", "\"caf\\u00E9\"")] // read as 'cafu00e9'
    [InlineData("split('a\\r\\nb', '\\r\\n')", "[\"a\",\"b\"]")]
    [InlineData("input.big + 0", "200000000000000000")] // written 2E+17
    [InlineData("0 - input.big - input.big", "-400000000000000000")] // written -4E+17
    [InlineData("input.huge + 0", "1E+21")] // past long: the double's own form
    [InlineData("input.tags[0.5]", "null")] // read item 0
    [InlineData("input.tags[1.5]", "null")] // read item 1
    public void Evaluate_ValidExpression_ReturnsValue(string text, string expectedJson)
    {
        var value = Expression.Parse(text).Evaluate(Scope());

        Assert.Equal(expectedJson, value?.ToJsonString() ?? "null");
    }

    [Theory]
    [InlineData("contains(steps.triage.output, 1)", "a number")]
    [InlineData("contains(steps.triage.output, input.missing)", "null")]
    [InlineData("contains(steps.triage.output, input.tags)", "a list")]
    public void Evaluate_ContainsOnAnObjectWithAKeyThatIsNoString_FailsSayingSo(string text, string got)
    {
        var ex = Assert.Throws<ExpressionException>(() => Expression.Parse(text).Evaluate(Scope()));

        Assert.Equal($"contains() on an object looks for a key, which is a string; got {got}", ex.Message);
    }

    [Fact]
    public void Evaluate_IdPast2To53_ComparedAsTextKeepsEveryDigit()
    {
        // README's advice for large ids: as numbers 12345678901234567890 == 12345678901234567891.
        var scope = new JsonObject { ["input"] = JsonNode.Parse("""{"id": 12345678901234567890}""") };

        Assert.True(Expression.Parse("input.id == 12345678901234567891").Evaluate(scope)!.GetValue<bool>());
        Assert.False(Expression.Parse("string(input.id) == '12345678901234567891'").Evaluate(scope)!.GetValue<bool>());
        Assert.True(Expression.Parse("string(input.id) == '12345678901234567890'").Evaluate(scope)!.GetValue<bool>());
    }

    [Fact]
    public void Evaluate_ToJson_WritesQuotesAndSymbolsAsThemselves()
    {
        // It wrote {\u0022q\u0022:\u0022a \u003E b\u0022}: noise in a prompt, paid for in tokens.
        var value = Expression.Parse("tojson(input)").Evaluate(new JsonObject { ["input"] = new JsonObject { ["q"] = "a > b & 'c' é" } });

        Assert.Equal("""{"q":"a > b & 'c' é"}""", value!.GetValue<string>());
    }

    [Fact]
    public void Parse_StepReferences_ListsIdsWithOffsets()
    {
        var expression = Expression.Parse("steps.a.output && steps.b_2.output");

        Assert.Equal([new StepReference("a", 6), new StepReference("b_2", 24)], expression.StepReferences);
    }

    [Fact]
    public void Parse_Roots_ListsNamesWithOffsets()
    {
        var expression = Expression.Parse("item.x + index", baseOffset: 10);

        Assert.Equal([new RootReference("item", 10), new RootReference("index", 19)], expression.RootReferences);
    }

    [Theory]
    [InlineData(".a")]
    [InlineData("[0]")]
    [InlineData(" + 1")]
    [InlineData(" || 0")]
    public void Parse_ChainOfMoreThanAThousandLinks_IsRefusedBeforeItCanOverflowTheStack(string link)
    {
        // 'input' and 100,000 '.a' passed validation and then overflowed the stack when a run evaluated it, which ends
        // the process with no message.
        var text = "input" + string.Concat(Enumerable.Repeat(link, 100_000));

        var ex = Assert.Throws<ExpressionException>(() => Expression.Parse(text));

        Assert.Equal("expression has more than 1000 operators and member accesses; split it across steps", ex.Message);
        Assert.Equal(5 + (1000 * link.Length) + (link.StartsWith(' ') ? 1 : 0), ex.Offset);
    }

    [Fact]
    public void Evaluate_ChainOfAThousandLinks_Evaluates()
    {
        var text = "input" + string.Concat(Enumerable.Repeat(".a", 1000));

        Assert.Null(Expression.Parse(text).Evaluate(Scope()));
    }

    [Theory]
    [InlineData("", 0, "expected an expression, found nothing")]
    [InlineData("input.", 6, "expected a name after '.'")]
    [InlineData("input.x = 1", 8, "'=' is not an operator; use '==' to compare")]
    [InlineData("shout(1)", 0, "unknown function 'shout'; expected one of")]
    [InlineData("inptu.x", 0, "unknown name 'inptu'; expected one of input, steps, item, index, run")]
    [InlineData("len(1, 2)", 0, "len() takes 1 argument(s), got 2")]
    [InlineData("'open", 0, "unterminated string; expected a closing '")]
    [InlineData("(input.x", 8, "expected ')', found the end of the expression")]
    [InlineData("input.x input.y", 8, "unexpected 'i'; expected an operator or the end of the expression")]
    [InlineData("steps", 5, "expected '.<step id>' after 'steps'")]
    [InlineData("'caf\\u0e'", 4, "'\\u' must be followed by four hex digits")]
    [InlineData("steps.a.outptu", 8, "'steps.a.outptu': a step's result has output, skipped, tier, model, metadata; did you mean 'output'?")]
    public void Parse_BadExpression_ThrowsWithOffset(string text, int offset, string message)
    {
        var ex = Assert.Throws<ExpressionException>(() => Expression.Parse(text));

        Assert.Equal(offset, ex.Offset);
        Assert.StartsWith(message, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Infinity")]
    [InlineData("NaN")]
    [InlineData("1e400")]
    public void Evaluate_NumberOfANonFiniteText_ThrowsSayingSo(string text)
    {
        // These parsed to a double JSON cannot hold, and the run failed with a JsonSerializer message.
        var ex = Assert.Throws<ExpressionException>(() => Expression.Parse($"number('{text}')").Evaluate(Scope()));

        Assert.Contains($"number() cannot read '{text}' as a number", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("input.big + input.big", 10)]
    [InlineData("input.huge - 1", 11)]
    [InlineData("-input.huge", 0)]
    [InlineData("number(input.huge)", 0)]
    public void Evaluate_ArithmeticPastTheRangeOfNumbers_ThrowsSayingSo(string text, int offset)
    {
        // An input of 1e400 (valid JSON) or a sum past 1.8e308 failed the step with "NET number values such as positive
        // and negative infinity cannot be written as valid JSON. To make it work when using 'JsonSerializer', ...".
        var scope = new JsonObject { ["input"] = JsonNode.Parse("""{"big": 1e308, "huge": 1e400}""") };

        var ex = Assert.Throws<ExpressionException>(() => Expression.Parse(text).Evaluate(scope));

        Assert.Equal("the result is beyond the range of numbers (64-bit floating point, about ±1.8e308)", ex.Message);
        Assert.Equal(offset, ex.Offset);
    }

    [Fact]
    public void Evaluate_NumberOfAMissingField_SaysItGotNull()
    {
        // It said "number() cannot read '' as a number", quoting text the input never had.
        var ex = Assert.Throws<ExpressionException>(() => Expression.Parse("number(input.missing)").Evaluate(Scope()));

        Assert.Equal("number() got null (a missing field or a skipped step's output); give it a default: number(coalesce(x, 0))", ex.Message);
    }

    [Theory]
    [InlineData("number(input.name)", "number() cannot read a string as a number (the value is left out: it may quote the run's data)")]
    [InlineData("number(input.tags)", "number() cannot read a list as a number (the value is left out: it may quote the run's data)")]
    [InlineData("number(input.missing)", "number() got null (a missing field or a skipped step's output); give it a default: number(coalesce(x, 0))")]
    [InlineData("input.name - 1", "'-' needs two numbers, got a string and a number")]
    public void Evaluate_ValueItCannotRead_RedactedMessageLeavesTheValueOut(string text, string redacted)
    {
        // number() quotes the value it could not read, the run's data, and that message was what the step's span and log
        // line said for every tenant; the other messages name types only, and are their own redacted form.
        var scope = new JsonObject { ["input"] = new JsonObject { ["name"] = "Jane Roe", ["tags"] = new JsonArray("a", "Jane Roe") } };

        var ex = Assert.Throws<ExpressionException>(() => Expression.Parse(text).Evaluate(scope));

        Assert.Equal(redacted, ex.RedactedMessage);
        Assert.DoesNotContain("Jane Roe", ex.RedactedMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("split(input.name, '')", "split() needs a separator that is not empty, got ''")]
    [InlineData("split(input.name, input.missing)", "split() needs a separator that is not empty, got null")]
    public void Evaluate_SplitAtNothing_ThrowsSayingSo(string text, string message)
    {
        // split('Ada', '') gave ['Ada']: one item, where a reader expects the letters.
        var ex = Assert.Throws<ExpressionException>(() => Expression.Parse(text).Evaluate(Scope()));

        Assert.Equal(message, ex.Message);
        Assert.Equal(0, ex.Offset);
    }

    [Fact]
    public void Evaluate_SubtractText_ThrowsNamingTypes()
    {
        var ex = Assert.Throws<ExpressionException>(() => Expression.Parse("input.name - 1").Evaluate(Scope()));

        Assert.StartsWith("'-' needs two numbers", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void IsTrue_FalsyValues_AreFalse()
    {
        Assert.False(Expression.Parse("input.empty").IsTrue(Scope()));
        Assert.False(Expression.Parse("input.missing").IsTrue(Scope()));
        Assert.False(Expression.Parse("[]").IsTrue(Scope()));
        Assert.False(Expression.Parse("0").IsTrue(Scope()));
        Assert.True(Expression.Parse("input.tags").IsTrue(Scope()));
    }
}
