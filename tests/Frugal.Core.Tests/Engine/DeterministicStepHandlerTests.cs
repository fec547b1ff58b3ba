using System.Text.Json.Nodes;
using Frugal.Engine;
using Frugal.Workflows;

namespace Frugal.Core.Tests.Engine;

public sealed class DeterministicStepHandlerTests
{
    [Fact]
    public void Execute_RegexOverAnObject_MatchesLettersOutsideAscii()
    {
        // The object was read as {"city":"Z\u00FCrich"}, so a pattern written for the text found nothing.
        var call = new DeterministicCall(
            DeterministicOperation.Regex, new JsonObject { ["city"] = "Zürich" }, Pattern: "\"city\":\"(?<city>[^\"]+)\"");

        var result = DeterministicStepHandler.Execute(call);

        Assert.Equal("Zürich", result.Output?["city"]?.GetValue<string>());
    }

    [Theory]
    [InlineData("नमस ते", "none")] // two other words: each vowel sign and virama read as a space, so it matched नमस्ते
    [InlineData("नमस्ते दोस्त", "greeting")]
    [InlineData("मनोज कहाँ है", "none")] // the name मनोज is not the word मन: the vowel sign ो split it into मन ज
    [InlineData("मेरा मन", "mind")]
    [InlineData("मेरी किताब कहाँ है", "book")]
    [InlineData("野家", "none")] // the key 𠮷野家 read 野家: a letter outside the BMP read as a space
    [InlineData("𠮷野家", "restaurant")]
    public void Execute_LookupInScriptsWithMarksOrSupplementaryLetters_MatchesWholeWordsOnly(string input, string expected)
    {
        var table = new Dictionary<string, JsonNode?>
        {
            ["नमस्ते"] = "greeting",
            ["किताब"] = "book",
            ["मन"] = "mind",
            ["\U00020BB7野家"] = "restaurant",
        };
        var call = new DeterministicCall(DeterministicOperation.Lookup, input, Table: table, Default: "none");

        var result = DeterministicStepHandler.Execute(call);

        Assert.Equal(expected, result.Output?.GetValue<string>());
    }
}
