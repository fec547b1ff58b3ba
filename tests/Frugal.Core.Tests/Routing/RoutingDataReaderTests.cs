using Frugal.Routing;

namespace Frugal.Core.Tests.Routing;

public sealed class RoutingDataReaderTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("frugal-routing-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void Read_MultiLinePrompts_KeepsTextAndRecordStartLines()
    {
        var path = Write("id,source,prompt,cheap_score,premium_score\n" +
                         "a,mmlu/x,\"What is 2+2?\nA. 3\nB. 4\nAnswer:\",0,1\n" +
                         "b,gsm8k,\"Say \"\"hi\"\"\",1,1\n");

        var examples = RoutingDataReader.Read(path);

        Assert.Equal(2, examples.Count);
        Assert.Equal("What is 2+2?\nA. 3\nB. 4\nAnswer:", examples[0].Prompt);
        Assert.Equal(2, examples[0].Line);
        Assert.Equal(6, examples[1].Line);
        Assert.Equal("Say \"hi\"", examples[1].Prompt);
        Assert.Equal("mmlu", examples[0].SourcePrefix);
        Assert.Equal(1, examples[0].Gain);
    }

    [Fact]
    public void Read_MissingColumn_NamesFileAndColumn()
    {
        var path = Write("id,source,prompt,cheap_score\na,s,p,1\n");

        var ex = Assert.Throws<RoutingDataException>(() => RoutingDataReader.Read(path));

        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
        Assert.Contains(":1: missing column(s) premium_score", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_NonNumericScoreAfterMultiLinePrompt_NamesRecordStartLine()
    {
        var path = Write("id,source,prompt,cheap_score,premium_score\n" +
                         "a,s,\"one\ntwo\",0,1\n" +
                         "b,s,\"three\nfour\",abc,1\n");

        var ex = Assert.Throws<RoutingDataException>(() => RoutingDataReader.Read(path));

        Assert.Equal($"{path}:4: 'cheap_score' is 'abc', not a number.", ex.Message);
    }

    [Fact]
    public void Read_ScoreOutOfRange_NamesLine()
    {
        var path = Write("id,source,prompt,cheap_score,premium_score\na,s,p,0,1.5\n");

        var ex = Assert.Throws<RoutingDataException>(() => RoutingDataReader.Read(path));

        Assert.Equal($"{path}:2: 'premium_score' is 1.5, outside [0, 1].", ex.Message);
    }

    [Fact]
    public void Read_MissingFile_NamesFile()
    {
        var path = Path.Combine(folder, "none.csv");

        var ex = Assert.Throws<RoutingDataException>(() => RoutingDataReader.Read(path));

        Assert.Equal($"{path}: the file does not exist.", ex.Message);
    }

    [Fact]
    public void Read_WrongColumnCount_NamesFileAndLine()
    {
        var path = Write("id,source,prompt,cheap_score,premium_score\na,s,p,0,1\nb,s,p,0\n");

        var ex = Assert.Throws<RoutingDataException>(() => RoutingDataReader.Read(path));

        Assert.Equal($"{path}:3: 4 field(s), but the header has 5.", ex.Message);
    }

    [Fact]
    public void Read_BlankLines_AreSkipped()
    {
        var path = Write("id,source,prompt,cheap_score,premium_score\r\na,s,p,0,1\r\n\r\nb,s,q,1,1\r\n\r\n");

        var examples = RoutingDataReader.Read(path);

        Assert.Equal(["a", "b"], examples.Select(e => e.Id));
    }

    [Fact]
    public void Read_UnterminatedQuote_NamesFile()
    {
        var path = Write("id,source,prompt,cheap_score,premium_score\na,s,\"p,0,1\n");

        var ex = Assert.Throws<RoutingDataException>(() => RoutingDataReader.Read(path));

        Assert.StartsWith($"{path}:", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_ThenRead_RoundTripsQuotedPrompts()
    {
        var path = Path.Combine(folder, "out.csv");
        RoutingExample[] examples = [new("a", "mmlu/x", "line one\n\"quoted\", comma", 0, 1, 2)];

        RoutingDataWriter.Write(path, examples);

        Assert.Equal(examples, RoutingDataReader.Read(path));
    }

    private string Write(string text)
    {
        var path = Path.Combine(folder, Guid.NewGuid().ToString("N") + ".csv");
        File.WriteAllText(path, text);
        return path;
    }
}
