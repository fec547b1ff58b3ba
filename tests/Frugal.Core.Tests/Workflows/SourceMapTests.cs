using System.Text.Json.Nodes;
using Frugal.Workflows;

namespace Frugal.Core.Tests.Workflows;

/// <summary>Positions inside scalars whose text YAML rewrites: each letter of the value is found where it is written.</summary>
public sealed class SourceMapTests
{
    public static TheoryData<string, string> Scalars => new()
    {
        { "plain, one line", "v: Use the data" },
        { "plain, two lines", "v: Use the\n  data of it" },
        { "plain, an empty line between", "v: Use the\n\n  data of it" },
        { "double quoted with escapes", "v: \"Say \\\"hi\\\" \\u00e9 now\"" },
        { "double quoted, two lines", "v: \"Hello\n  there you\"" },
        { "double quoted, escaped line break", "v: \"Hello \\\n  there\"" },
        { "single quoted with a doubled quote", "v: 'It''s here'" },
        { "single quoted, two lines", "v: 'It is\n   here now'" },
        { "folded block", "v: >\n  First line\n  then more\n\n  after a gap\n" },
        { "folded block with a more indented line", "v: >\n  First line\n    indented\n  last\n" },
        { "literal block", "v: |\n  First line\n  then more\n" },
    };

    [Theory]
    [MemberData(nameof(Scalars))]
    public void InString_EveryLetter_PointsAtThatLetterInTheSource(string name, string yaml)
    {
        var map = new SourceMap("t.yaml", yaml);
        var document = (JsonObject)YamlJsonConverter.Convert(yaml, map, [])!;
        var value = document["v"]!.GetValue<string>();
        var lines = yaml.Split('\n');

        for (var offset = 0; offset < value.Length; offset++)
        {
            if (!char.IsAsciiLetter(value[offset]))
            {
                continue; // spaces and line breaks may come from folding; escapes stand for other characters
            }

            var location = map.InString("/v", value, offset);
            var written = lines[location.Line - 1][location.Column - 1];
            Assert.True(written == value[offset], $"{name}: '{value[offset]}' at offset {offset} was placed at {location.Line}:{location.Column}, which holds '{written}'");
        }
    }
}
