using Frugal.Classification;

namespace Frugal.Core.Tests.Classification;

public sealed class RulesComplexityClassifierTests
{
    [Fact]
    public void Score_ShortPlainQuestion_IsLowWithNoSignals()
    {
        var score = RulesComplexityClassifier.Score("Is there a dark mode in the mobile app?");

        Assert.True(score.Score < 0.1, score.Score.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.All(score.Signals.Values, v => Assert.Equal(0, v));
    }

    [Fact]
    public void Score_CodeMathAndSeveralQuestions_IsHighAndNamesEachSignal()
    {
        var text = "Our job fails with NullReferenceException in Export.Run(). First it retries, then it crashes. " +
                   "If 3 * 40 = 120 rows per batch, how many batches for 1000 rows? Can you explain why it fails? Should we roll back?";

        var score = RulesComplexityClassifier.Score(text);

        Assert.True(score.Score >= 0.55, score.Score.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(1, score.Signals["code"]);
        Assert.True(score.Signals["math"] > 0);
        Assert.True(score.Signals["multi_step"] > 0);
        Assert.True(score.Signals["questions"] > 0);
    }

    [Fact]
    public void Score_LongText_RaisesTheLengthSignalInProportion()
    {
        var words = string.Join(' ', Enumerable.Repeat("word", 220));

        var score = RulesComplexityClassifier.Score(words);

        Assert.Equal(0.5, score.Signals["length"], 2);
    }

    [Theory]
    [InlineData("1", 0, 0, 0)]
    [InlineData("x", 0, 0, 0)]
    [InlineData("first ", 0, 0, 0)]
    [InlineData("2+2 ", 0, 1, 0)]
    public void Score_LongRepetitiveText_ScoresLikeItsSignals(string unit, double code, double math, double steps)
    {
        // Callers write the text: with backtracking, a valid 20,000-character ticket of one digit took 9 s to score
        // (\w+\(\) and \d+...\d+ retried from every position), "first " repeated 39 s at 50,000. Now linear.
        var text = string.Concat(Enumerable.Repeat(unit, 50_000 / unit.Length));

        var score = RulesComplexityClassifier.Score(text);

        Assert.Equal((code, math, steps), (score.Signals["code"], score.Signals["math"], score.Signals["multi_step"]));
    }
}
