using System.Text.Json;
using System.Text.Json.Nodes;
using Frugal.Expressions;

namespace Frugal.Core.Tests.Expressions;

public sealed class JsonTextTests
{
    [Fact]
    public void Write_Indented_LaysOutAsSystemTextJsonDoes()
    {
        var value = JsonNode.Parse("""{"a":1,"b":[true,null,"x",{}],"c":{"d":[]},"e":1.5e300}""");

        Assert.Equal(value!.ToJsonString(new JsonSerializerOptions { WriteIndented = true }), JsonText.Write(value, indented: true));
        Assert.Equal(value.ToJsonString(), JsonText.Write(value));
    }

    [Fact]
    public void Write_LoneSurrogate_IsEscapedSoTheTextStaysValid()
    {
        Assert.Equal("\"a\\uD83Db 😀\"", JsonText.Write(JsonValue.Create("a\uD83Db 😀")));
    }

    [Fact]
    public void Append_ToABuilderWithText_AddsWhatWriteReturns()
    {
        var value = JsonNode.Parse("""{"a":["café", 2]}""");
        var text = new System.Text.StringBuilder("out: ");

        var returned = JsonText.Append(text, value, indented: true);

        Assert.Same(text, returned);
        Assert.Equal("out: " + JsonText.Write(value, indented: true), text.ToString());
    }
}
