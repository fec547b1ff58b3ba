using System.Globalization;
using System.Text;

namespace Frugal.Emulator.Chat;

/// <summary>
/// What the emulator "understood" of a prompt: its first sentence, a few key words and a seed.
/// Every part is a pure function of the deployment and the messages, which makes answers deterministic.
/// </summary>
internal sealed record PromptDigest(string FirstSentence, IReadOnlyList<string> Keywords, ulong Seed)
{
    private const int MaxSentenceWords = 25;
    private const int MaxKeywords = 4;

    /// <summary>
    /// The most characters of the prompt the answer echoes, and the longest word taken as a key word. Unbounded, a prompt
    /// holding a long run of text without spaces (a 1 MB field) was echoed whole, twice: an answer of 250,000 tokens
    /// that took seconds to tokenize per call and megabytes per answer in the run's history.
    /// </summary>
    private const int MaxSentenceChars = 400;
    private const int MaxKeywordChars = 40;

    private static readonly HashSet<string> StopWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "about", "above", "after", "again", "also", "been", "before", "being", "below", "between", "both",
        "could", "does", "doing", "down", "during", "each", "from", "further", "have", "having", "here",
        "into", "just", "more", "most", "only", "other", "over", "please", "same", "should", "some", "such",
        "than", "that", "their", "them", "then", "there", "these", "they", "this", "those", "through", "under",
        "until", "very", "were", "what", "when", "where", "which", "while", "whom", "with", "would", "your",
        "yours", "will", "shall", "must", "answer", "following", "given", "text",
    };

    public static PromptDigest From(string deployment, IReadOnlyList<PromptMessage> messages)
    {
        var parts = new List<string>(messages.Count * 2 + 1) { deployment };
        foreach (var message in messages)
        {
            parts.Add(message.Role);
            parts.Add(message.Text);
        }

        var seed = DeterministicRandom.Hash(parts.ToArray());
        var subject = messages.LastOrDefault(m => m.Role == "user")?.Text ?? messages[^1].Text;
        return new PromptDigest(FirstSentenceOf(subject), KeywordsOf(subject), seed);
    }

    private static string FirstSentenceOf(string text)
    {
        var builder = new StringBuilder();
        var words = 0;
        var inWord = false;
        foreach (var c in text.Trim())
        {
            if (char.IsWhiteSpace(c))
            {
                if (c == '\n' && builder.Length > 0)
                {
                    break;
                }

                inWord = false;
                continue;
            }

            if (!inWord)
            {
                if (++words > MaxSentenceWords)
                {
                    break;
                }

                if (builder.Length > 0)
                {
                    builder.Append(' ');
                }

                inWord = true;
            }

            if (builder.Length >= MaxSentenceChars)
            {
                // Not between the halves of a surrogate pair: a lone surrogate is not text, and clients refuse it.
                if (char.IsHighSurrogate(builder[^1]))
                {
                    builder.Length--;
                }

                break;
            }

            builder.Append(c);
            if (c is '.' or '!' or '?')
            {
                break;
            }
        }

        // A space too: the cut can come just after the one that starts the next word.
        var sentence = builder.ToString().TrimEnd(' ', ',', ';', ':');
        return sentence.Length == 0 || sentence[^1] is '.' or '!' or '?' ? sentence : sentence + ".";
    }

    private static List<string> KeywordsOf(string text)
    {
        var counts = new Dictionary<string, (int Count, int First, string Word)>(StringComparer.OrdinalIgnoreCase);
        var position = 0;
        foreach (var word in Words(text))
        {
            position++;
            if (word.Length is < 4 or > MaxKeywordChars || StopWords.Contains(word) || word.All(char.IsDigit))
            {
                continue;
            }

            counts[word] = counts.TryGetValue(word, out var seen)
                ? (seen.Count + 1, seen.First, seen.Word)
                : (1, position, word.ToLower(CultureInfo.InvariantCulture));
        }

        return [.. counts.Values
            .OrderByDescending(v => v.Count)
            .ThenBy(v => v.First)
            .Take(MaxKeywords)
            .Select(v => v.Word)];
    }

    private static IEnumerable<string> Words(string text)
    {
        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            var isWordChar = i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] == '-');
            if (isWordChar && start < 0)
            {
                start = i;
            }
            else if (!isWordChar && start >= 0)
            {
                yield return text[start..i].Trim('-');
                start = -1;
            }
        }
    }
}
