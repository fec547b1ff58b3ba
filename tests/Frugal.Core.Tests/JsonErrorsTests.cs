using System.Text.Json;
using System.Text.Json.Nodes;

namespace Frugal.Core.Tests;

public sealed class JsonErrorsTests
{
    [Fact]
    public void Describe_SyntaxErrorOnALaterLine_CountsLineAndPositionFromOne()
    {
        var ex = Assert.ThrowsAny<JsonException>(() => JsonNode.Parse("{\n  \"a\": 1,\n  \"b\": oops\n}"));

        Assert.Equal("'o' is an invalid start of a value (line 3, position 8)", JsonErrors.Describe(ex));
    }

    [Fact]
    public void Describe_WrongTypeInsideAnObject_NamesThePath()
    {
        var ex = Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<Dictionary<string, int>>("{\"a\": 1, \"b\": \"two\"}"));

        Assert.StartsWith("The JSON value could not be converted to System.Int32 (line 1, position ", JsonErrors.Describe(ex), StringComparison.Ordinal);
        Assert.EndsWith(", $.b)", JsonErrors.Describe(ex), StringComparison.Ordinal);
    }

    [Fact]
    public void Reason_SystemTextJsonMessage_DropsItsZeroBasedLocation()
    {
        var ex = Assert.ThrowsAny<JsonException>(() => JsonNode.Parse("{\"subject\": oops}"));

        Assert.Equal("'o' is an invalid start of a value", JsonErrors.Reason(ex));
        Assert.DoesNotContain("LineNumber", JsonErrors.Describe(ex), StringComparison.Ordinal);
    }

    [Fact]
    public void Describe_MessageWithoutLocation_IsTheMessage()
    {
        Assert.Equal("messages is required", JsonErrors.Describe(new JsonException("messages is required.")));
    }

    [Theory]
    [InlineData("")]
    [InlineData("  \n ")]
    public void Reason_EmptyInput_SaysSo(string text)
    {
        var ex = Assert.ThrowsAny<JsonException>(() => JsonNode.Parse(text));

        Assert.Equal("there is no JSON: the input is empty", JsonErrors.Reason(ex));
        Assert.Equal("there is no JSON: the input is empty", JsonErrors.Describe(ex));
    }

    [Theory]
    [InlineData("{ \"subject\": \"café crème\", \"x\": }", 33)]
    [InlineData("{ \"a\": 1,\n \"s\": \"日本語😀\", }", 16)] // the emoji is two UTF-16 units, as YAML's columns count it
    [InlineData("{ \"s\": \"e\u0301\", }", 14)] // a combining accent is a unit of its own
    [InlineData("{ \"x\": }", 8)]
    public void Column_TextOutsideAscii_CountsUtf16UnitsNotBytes(string text, long column)
    {
        // The reader's position is in bytes of UTF-8: a line with accents or CJK before the error pointed past it.
        var ex = Assert.ThrowsAny<JsonException>(() => JsonInput.Parse(text));

        Assert.Equal(column, JsonErrors.Column(text, ex));
    }

    [Fact]
    public async Task ParseAsync_BytesThatAreNotUtf8_SaysSoRatherThanSurrogates()
    {
        // A body sent in Latin-1 ("café" as 63 61 66 E9) was reported as holding "a lone UTF-16 surrogate".
        using var body = new MemoryStream([.. "{ \"subject\": \"caf"u8, 0xE9, .. "\" }"u8]);

        var ex = await Assert.ThrowsAnyAsync<JsonException>(() => JsonInput.ParseAsync(body, CancellationToken.None));

        Assert.Equal("the string at $.subject is not valid text (it holds bytes that are not UTF-8; send the input as UTF-8) (line 1, position 14)", ex.Message);
    }

    [Theory]
    [InlineData("{ \"subject\": \"café crème\", \"x\": }", "line 1, position 33")]
    [InlineData("{ \"a\": 1,\n \"s\": \"日本語😀\", }", "line 2, position 16")]
    [InlineData("{\"subject\":\"日本語日本語日本語\" x}", "line 1, position 24")]
    public async Task ParseAsync_SyntaxErrorAfterNonAsciiText_SaysWhereInCharacters(string text, string where)
    {
        // A request body's error was placed in bytes of UTF-8: the 'x' after nine CJK letters read as position 42.
        using var body = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text));

        var ex = await Assert.ThrowsAnyAsync<JsonException>(() => JsonInput.ParseAsync(body, CancellationToken.None));

        Assert.EndsWith($"({where})", JsonErrors.Describe(ex), StringComparison.Ordinal);
        Assert.EndsWith($"({where})", JsonErrors.Describe(Assert.ThrowsAny<JsonException>(() => JsonInput.Parse(text)), text), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"subject\": \"a\",\n \"body\": \"b\", \"subject\": \"c\"}", "subject", "line 2, position 15")]
    [InlineData("{\"a\": [{\"x\": 1}, {\"x\": 2, \"é\": 3, \"x\": 4}]}", "x", "line 1, position 35")]
    [InlineData("{\"a\": {\"b\": 1}, \"b\": {\"b\": 2}, \"a\": 0}", "a", "line 1, position 32")]
    public async Task Parse_PropertyGivenTwice_SaysWhereTheSecondIs(string text, string name, string where)
    {
        // "Duplicate property 'subject' encountered during deserialization" named no place: frugal run put it at 1:1
        // and the HTTP API's 400 said nothing of where, so the second one had to be found by hand in a long input.
        using var body = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text));

        var fromText = Assert.ThrowsAny<JsonException>(() => JsonInput.Parse(text));
        var fromBody = await Assert.ThrowsAnyAsync<JsonException>(() => JsonInput.ParseAsync(body, CancellationToken.None));

        var expected = $"property '{name}' is given twice in one object; each property may appear once ({where})";
        Assert.Equal(expected, JsonErrors.Describe(fromText, text));
        Assert.Equal(expected, JsonErrors.Describe(fromBody));
    }

    [Theory]
    [InlineData("{\"a\": [\"ok\", \"x \\ud800\"]}", "the string at $.a[1] is not valid text (it holds a lone UTF-16 surrogate")]
    [InlineData("{\"a\": {\"s\": \"\\udc00\\n\"}}", "the string at $.a.s is not valid text (it holds a lone UTF-16 surrogate")]
    [InlineData("{\"a\": [{\"\\ud83d\": 1}]}", "a property name in the object at $.a[0] is not valid text (it holds a lone UTF-16 surrogate")]
    public async Task ParseAsync_EscapedLoneSurrogate_RefusedAsNotText(string text, string expected)
    {
        // Strings are checked as UTF-8 where they lie, and only one that is not text sends the check through the nodes
        // to name where it is: an escaped lone surrogate must not pass the first check. (A property name is refused by the
        // parse itself, which reads names to find repeats, and the bytes are read again to say where it is.)
        using var body = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text));

        var ex = await Assert.ThrowsAnyAsync<JsonException>(() => JsonInput.ParseAsync(body, CancellationToken.None));

        Assert.StartsWith(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ParseAsync_EscapedSurrogatePairAndControlCharacters_AreText()
    {
        using var body = new MemoryStream("{\"\\ud83d\\ude00 key\": \"caf\\u00e9 \\ud83d\\ude00 \\u0000\\t\"}"u8.ToArray());

        var node = await JsonInput.ParseAsync(body, CancellationToken.None);

        Assert.Equal("caf\u00e9 \ud83d\ude00 \u0000\t", node!["\ud83d\ude00 key"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("{\"a\": {\"\\ud800x\": 1}}", "$.a", "line 1, position 8")]
    [InlineData("{\"a\": [{\"b\": 1}, {\"b\": 2,\n  \"\\udc00\": 3}]}", "$.a[1]", "line 2, position 3")]
    [InlineData("{\n  \"café\": {\"b\": 1, \"x\\ud83d\": 2}\n}", "$.café", "line 2, position 20")]
    [InlineData("{\"a b\": [0, {\"\\udfff\": 1}]}", "$['a b'][1]", "line 1, position 14")]
    [InlineData("{\"\\ud800\": 1}", "$", "line 1, position 2")]
    public async Task Parse_PropertyNameWithAnEscapedLoneSurrogate_SaysWhereTheNameIs(string text, string obj, string where)
    {
        // The parse reads the names to find repeats and fails on this one before any place is known: the message said
        // only "a property name is not valid text", frugal run put it at 1:1, and the name had to be found by hand.
        using var body = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text));

        var fromText = Assert.ThrowsAny<JsonException>(() => JsonInput.Parse(text));
        var fromBody = await Assert.ThrowsAnyAsync<JsonException>(() => JsonInput.ParseAsync(body, CancellationToken.None));

        var expected = $"a property name in the object at {obj} is not valid text (it holds a lone UTF-16 surrogate, such as \\ud800 without its pair) ({where})";
        Assert.Equal(expected, JsonErrors.Describe(fromText, text));
        Assert.Equal(expected, JsonErrors.Describe(fromBody));
    }

    [Theory]
    [InlineData("{\"a\": {\"b\": \"x\\ud800\"}}", "$.a.b", "line 1, position 13")]
    [InlineData("{\"subject\": \"日本\",\n  \"meta\": {\"ok\": \"é\",\n    \"note\": \"caf\\udc00\"}\n}", "$.meta.note", "line 3, position 13")]
    [InlineData("{\"a\": [\"ok\", {\"b\": [1, \"\\ud83d\"]}, \"x \\ud800\"]}", "$.a[1].b[1]", "line 1, position 24")]
    [InlineData("[\"ok\",\n \"\\udfff\"]", "$[1]", "line 2, position 2")]
    [InlineData("{\"a b\": {\"c\": \"\\ud800\"}}", "$['a b'].c", "line 1, position 15")]
    [InlineData("\"\\ud800\"", "$", "line 1, position 1")]
    public async Task Parse_StringWithAnEscapedLoneSurrogate_SaysWhereTheStringIs(string text, string at, string where)
    {
        // The string was named by its path but given no place: frugal run put it at 1:1 (or column 1 of a .jsonl line),
        // the HTTP API's 400 said nothing of where, and in a long input the string had to be found by hand.
        using var body = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text));

        var fromText = Assert.ThrowsAny<JsonException>(() => JsonInput.Parse(text));
        var fromBody = await Assert.ThrowsAnyAsync<JsonException>(() => JsonInput.ParseAsync(body, CancellationToken.None));

        var expected = $"the string at {at} is not valid text (it holds a lone UTF-16 surrogate, such as \\ud800 without its pair) ({where})";
        Assert.Equal(expected, JsonErrors.Describe(fromText, text));
        Assert.Equal(expected, JsonErrors.Describe(fromBody));
    }

    [Fact]
    public async Task ParseAsync_StringOfBytesThatAreNotUtf8OnALaterLine_SaysWhereTheStringIs()
    {
        using var body = new MemoryStream([.. "{\n  \"subject\": \"日本\",\n  \"a\": [1, \"caf"u8, 0xE9, .. "\"]\n}"u8]);

        var ex = await Assert.ThrowsAnyAsync<JsonException>(() => JsonInput.ParseAsync(body, CancellationToken.None));

        Assert.Equal("the string at $.a[1] is not valid text (it holds bytes that are not UTF-8; send the input as UTF-8) (line 3, position 12)", ex.Message);
    }

    [Theory]
    [InlineData("a b")]
    [InlineData("x'y")]
    [InlineData("$a")]
    [InlineData("back\\\\slash")]
    [InlineData("é.f")]
    public void Parse_NotText_WritesThePathAsJsonNodeDoes(string name)
    {
        // The paths are written as JsonNode.GetPath writes them, brackets and all.
        var ofString = Assert.ThrowsAny<JsonException>(() => JsonInput.Parse($"{{\"{name}\": [{{\"c\": \"\\ud800\"}}]}}"));
        var ofName = Assert.ThrowsAny<JsonException>(() => JsonInput.Parse($"{{\"{name}\": [{{\"\\ud800\": 1}}]}}"));

        var path = JsonNode.Parse($"{{\"{name}\": [{{\"c\": \"ok\"}}]}}")!.AsObject().Single().Value![0]!.GetPath();
        Assert.StartsWith($"the string at {path}.c is not valid text", ofString.Message, StringComparison.Ordinal);
        Assert.StartsWith($"a property name in the object at {path} is not valid text", ofName.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ParseAsync_PropertyNameOfBytesThatAreNotUtf8OnALaterLine_SaysWhereTheNameIs()
    {
        using var body = new MemoryStream([.. "{\n  \"subject\": \"日本\",\n  \"a\": {\"ok\": 1, \"caf"u8, 0xE9, .. "\": 1 }\n}"u8]);

        var ex = await Assert.ThrowsAnyAsync<JsonException>(() => JsonInput.ParseAsync(body, CancellationToken.None));

        Assert.Equal("a property name in the object at $.a is not valid text (it holds bytes that are not UTF-8; send the input as UTF-8) (line 3, position 18)", ex.Message);
    }

    [Fact]
    public async Task ParseAsync_PropertyNameWithALoneSurrogate_IsAJsonError()
    {
        // It escaped as an InvalidOperationException, and the HTTP API answered 500 instead of 400.
        using var body = new MemoryStream("{\"\\ud800\": 1}"u8.ToArray());

        var ex = await Assert.ThrowsAnyAsync<JsonException>(() => JsonInput.ParseAsync(body, CancellationToken.None));

        Assert.StartsWith("a property name in the object at $ is not valid text", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ParseAsync_PropertyNameOfBytesThatAreNotUtf8_IsAJsonErrorNamingTheObject()
    {
        // Names are decoded when the object is first read, after the parse: this escaped as an InvalidOperationException
        // ("Cannot transcode invalid UTF-8 JSON text to UTF-16 string"), and the HTTP API answered 500.
        using var body = new MemoryStream([.. "{ \"a\": [{ \"caf"u8, 0xE9, .. "\": 1 }] }"u8]);

        var ex = await Assert.ThrowsAnyAsync<JsonException>(() => JsonInput.ParseAsync(body, CancellationToken.None));

        Assert.Equal("a property name in the object at $.a[0] is not valid text (it holds bytes that are not UTF-8; send the input as UTF-8) (line 1, position 11)", ex.Message);
    }

    [Fact]
    public async Task ParseAsync_EmptyBody_StaysTheEmptyInputError()
    {
        using var body = new MemoryStream();

        var ex = await Assert.ThrowsAnyAsync<JsonException>(() => JsonInput.ParseAsync(body, CancellationToken.None));

        Assert.True(JsonErrors.IsEmptyInput(ex));
    }
}
