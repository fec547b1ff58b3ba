using System.Text.RegularExpressions;

namespace Frugal.Classification;

/// <summary>
/// Transparent rules: length, code, math, multi-step markers and the number of questions each add to the
/// score, with weights a reader can check. Cheap enough to run on every request (well under 0.05 ms).
/// </summary>
public sealed partial class RulesComplexityClassifier : IComplexityClassifier
{
    /// <summary>The name of the rules router.</summary>
    public const string RouterName = "rules";

    /// <inheritdoc />
    public string Name => RouterName;

    /// <inheritdoc />
    public ValueTask<ComplexityScore> ScoreAsync(string text, CancellationToken cancellationToken) => ValueTask.FromResult(Score(text));

    /// <summary>Scores a text synchronously.</summary>
    public static ComplexityScore Score(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var words = CountWords(text);

        // Each signal is in [0, 1]; the weights sum to 1, so the score is in [0, 1].
        var length = Math.Clamp((words - 40) / 360.0, 0, 1);
        var code = CodeRegex().IsMatch(text) ? 1.0 : 0.0;
        var math = Math.Clamp(MathRegex().Count(text) / 3.0, 0, 1);
        var steps = Math.Clamp(MultiStepRegex().Count(text) / 2.0, 0, 1);
        var questions = Math.Clamp((text.Count(c => c == '?') - 1) / 2.0, 0, 1);

        var score = (0.20 * length) + (0.25 * code) + (0.20 * math) + (0.20 * steps) + (0.15 * questions);
        return new ComplexityScore(
            Math.Round(score, 4),
            new Dictionary<string, double>
            {
                ["length"] = Math.Round(length, 3),
                ["code"] = code,
                ["math"] = Math.Round(math, 3),
                ["multi_step"] = Math.Round(steps, 3),
                ["questions"] = Math.Round(questions, 3),
            });
    }

    // A hand loop rather than Regex.Count(@"\w+"): this runs on every request and the regex walk was a third of the cost.
    private static int CountWords(string text)
    {
        var words = 0;
        var inWord = false;
        foreach (var c in text)
        {
            var wordChar = char.IsLetterOrDigit(c) || c == '_';
            words += wordChar && !inWord ? 1 : 0;
            inWord = wordChar;
        }

        return words;
    }

    // The three run on every classified text, which callers write: NonBacktracking keeps them linear in its length
    // (with backtracking, \w+\(\), \d+\s*...\d+ and first.*then took 9 s on a valid 20,000-character ticket, 39 s on 50,000).
    [GeneratedRegex(@"```|\b(def|class|function|public|private|return|import|var|const|SELECT|FROM)\b[^\n]{0,80}[\(\{;:=]|Exception|stack ?trace|\w+\(\)|=>", RegexOptions.IgnoreCase | RegexOptions.NonBacktracking)]
    private static partial Regex CodeRegex();

    [GeneratedRegex(@"\d+\s*[-+*/^=<>%]\s*\d+|\b(solve|equation|integral|derivative|probability|calculate|compute)\b", RegexOptions.IgnoreCase | RegexOptions.NonBacktracking)]
    private static partial Regex MathRegex();

    [GeneratedRegex(@"\b(step by step|first\b.*\bthen|explain why|compare|analy[sz]e|trade-?offs?|design|prove|root cause|multiple|several)\b", RegexOptions.IgnoreCase | RegexOptions.NonBacktracking)]
    private static partial Regex MultiStepRegex();
}
