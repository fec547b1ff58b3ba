using System.Text.RegularExpressions;

namespace Frugal.Routing;

/// <summary>
/// Cheap hand features of a prompt that the embedding does not capture well: size, how much arithmetic it holds, and
/// whether it is a multiple-choice question. They read the text only (never the data's <c>source</c> column), so
/// they work on production traffic.
/// </summary>
public static partial class PromptFeatures
{
    /// <summary>The features' names, in the order of <see cref="Compute"/>.</summary>
    public static readonly IReadOnlyList<string> Names =
    [
        "log_chars", "log_words", "log_numbers", "digit_ratio", "multiple_choice", "math_operators", "questions",
        "log_max_number", "log_sentences", "currency_or_percent",
    ];

    /// <summary>Computes the features of a text.</summary>
    /// <param name="text">The prompt.</param>
    /// <returns>One value per name of <see cref="Names"/>.</returns>
    public static double[] Compute(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var words = WordRegex().Count(text);
        var digits = 0;
        foreach (var c in text)
        {
            digits += char.IsAsciiDigit(c) ? 1 : 0;
        }

        var numbers = 0;
        var largest = 0d;
        foreach (var match in NumberRegex().EnumerateMatches(text))
        {
            numbers++;
            if (double.TryParse(text.AsSpan(match.Index, match.Length).ToString().Replace(",", "", StringComparison.Ordinal),
                System.Globalization.CultureInfo.InvariantCulture, out var value))
            {
                // A number past double's range parses as infinity; it is only very large.
                largest = Math.Max(largest, double.IsFinite(value) ? Math.Abs(value) : double.MaxValue);
            }
        }

        return
        [
            Math.Log(1 + text.Length),
            Math.Log(1 + words),
            Math.Log(1 + numbers),
            text.Length == 0 ? 0 : digits / (double)text.Length,
            ChoiceRegex().Count(text) >= 2 ? 1 : 0,
            Math.Log(1 + OperatorRegex().Count(text)),
            Math.Log(1 + text.Count(c => c == '?')),
            Math.Log10(1 + largest),
            Math.Log(1 + SentenceRegex().Count(text)),
            text.Contains('$', StringComparison.Ordinal) || text.Contains('%', StringComparison.Ordinal) ? 1 : 0,
        ];
    }

    [GeneratedRegex(@"\w+")]
    private static partial Regex WordRegex();

    [GeneratedRegex(@"\d[\d,]*(\.\d+)?")]
    private static partial Regex NumberRegex();

    // Prompts are callers' text: with backtracking, ^\s* over a long run of blank lines is quadratic.
    [GeneratedRegex(@"^\s*\(?[A-Ea-e][\.\)]\s", RegexOptions.Multiline | RegexOptions.NonBacktracking)]
    private static partial Regex ChoiceRegex();

    [GeneratedRegex(@"[+\-*/^=<>]|\\frac|\bsqrt\b")]
    private static partial Regex OperatorRegex();

    [GeneratedRegex(@"[.!?](\s|$)")]
    private static partial Regex SentenceRegex();
}
