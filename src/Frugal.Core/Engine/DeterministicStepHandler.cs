using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Frugal.Expressions;
using Frugal.Workflows;

namespace Frugal.Engine;

/// <summary>Templates, regex extraction and lookup tables: answers with no model and no model cost.</summary>
internal static class DeterministicStepHandler
{
    private static readonly TimeSpan RegexTimeout = TimeSpan.FromMilliseconds(200);

    public static CallResult Execute(DeterministicCall call) => call.Operation switch
    {
        DeterministicOperation.Template => new CallResult(call.Input?.DeepClone(), "deterministic"),
        DeterministicOperation.Regex => new CallResult(Extract(call), "deterministic"),
        DeterministicOperation.Lookup => new CallResult(Lookup(call), "deterministic"),
        _ => throw new StepInputException($"unknown deterministic operation {call.Operation}"),
    };

    /// <summary>Named groups become an object; without named groups the output is the whole match.</summary>
    private static JsonNode? Extract(DeterministicCall call)
    {
        var text = Text(call.Input);
        Regex regex;
        try
        {
            regex = new Regex(call.Pattern ?? string.Empty, RegexOptions.CultureInvariant, RegexTimeout);
        }
        catch (ArgumentException ex)
        {
            throw new StepInputException($"invalid pattern: {ex.Message}", ex);
        }

        Match match;
        try
        {
            match = regex.Match(text);
        }
        catch (RegexMatchTimeoutException ex)
        {
            throw new StepInputException($"pattern took longer than {RegexTimeout.TotalMilliseconds} ms on this input", ex);
        }

        if (!match.Success)
        {
            return call.Default?.DeepClone();
        }

        var named = regex.GetGroupNames().Where(n => !int.TryParse(n, NumberStyles.None, CultureInfo.InvariantCulture, out _)).ToList();
        if (named.Count == 0)
        {
            return JsonValue.Create(match.Value);
        }

        var output = new JsonObject();
        foreach (var name in named)
        {
            output[name] = match.Groups[name].Success ? JsonValue.Create(match.Groups[name].Value) : null;
        }

        return output;
    }

    /// <summary>
    /// Matches a normalised input against normalised keys: an exact match wins, else the longest key found
    /// in the input as whole words, so "How do I reset my password?" finds "reset password" only if the
    /// table says "reset my password" or the input contains the key's words in order.
    /// </summary>
    private static JsonNode? Lookup(DeterministicCall call)
    {
        var table = call.Table ?? throw new StepInputException("lookup needs a table");
        var input = Normalize(Text(call.Input));
        if (input.Length == 0)
        {
            return call.Default?.DeepClone();
        }

        var padded = $" {input} ";
        KeyValuePair<string, JsonNode?>? best = null;
        var bestLength = -1;
        foreach (var entry in table)
        {
            var key = Normalize(entry.Key);
            if (key.Length == 0)
            {
                continue;
            }

            if (key == input)
            {
                return entry.Value?.DeepClone();
            }

            if (key.Length > bestLength && padded.Contains($" {key} ", StringComparison.Ordinal))
            {
                best = entry;
                bestLength = key.Length;
            }
        }

        return best is { } found ? found.Value?.DeepClone() : call.Default?.DeepClone();
    }

    /// <summary>
    /// The text lower-cased, with every run of characters that are not part of a word (spaces, punctuation, symbols)
    /// as one space. A word is letters, digits and the marks written with them: a vowel sign or a virama ends no word,
    /// so the Hindi key नमस्ते is one word, as it was not when each mark read as a space (the input "नमस ते", two other
    /// words, matched it, and a key found fragments of words as whole words). Read by code point, so a letter outside
    /// the Basic Multilingual Plane (𠮷, U+20BB7) is a letter, not a space that dropped it from the key. Apostrophes
    /// are dropped, so "don't" reads "dont". No Unicode normalisation: the hosts run with invariant globalization,
    /// where <see cref="string.Normalize(NormalizationForm)"/> returns the text as it is.
    /// </summary>
    internal static string Normalize(string text)
    {
        var sb = new StringBuilder(text.Length);
        var space = true;
        foreach (var rune in text.EnumerateRunes())
        {
            if (Rune.IsLetterOrDigit(rune) || IsMark(rune))
            {
                sb.Append(Rune.ToLowerInvariant(rune));
                space = false;
            }
            else if (!space && rune.Value != '\'')
            {
                sb.Append(' ');
                space = true;
            }
        }

        return sb.ToString().TrimEnd();
    }

    private static bool IsMark(Rune rune) => Rune.GetUnicodeCategory(rune)
        is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark;

    // A list or an object as a template shows it (quotes and letters as themselves), so a pattern written for the
    // text finds 'é' in it.
    private static string Text(JsonNode? node) => ExpressionValues.Render(node);
}
