using System.Collections.Frozen;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace Frugal.Onnx.Embeddings;

/// <summary>
/// Makes Microsoft.ML.Tokenizers' <see cref="BertTokenizer"/> split text the way the BERT models were trained
/// (Hugging Face's <c>BasicTokenizer</c>, which sentence-transformers uses). As shipped (3.0.0) it differs in three
/// ways that change the vectors: its normaliser deletes tabs and line breaks instead of treating them as spaces, so
/// "hello\nworld" became "hello ##world"; its pre-tokenizer keeps only letters, digits and Unicode punctuation, so
/// ASCII symbols such as <c>$ + = &lt; &gt; | ~ ^ `</c> vanished ("a+b=c" embedded exactly as "a b c"); and it strips
/// accents through <see cref="string.Normalize()"/>, which does nothing without ICU, so an uncased model read "café"
/// as [UNK] (see <see cref="AccentFolding"/>).
/// </summary>
internal static partial class BertText
{
    private static readonly FrozenDictionary<char, char> Folding =
        AccentFolding.Accented.Zip(AccentFolding.Bare).ToFrozenDictionary(p => p.First, p => p.Second);

    /// <summary>The tokenizer options for a model whose vocabulary is lower-cased (<paramref name="lowerCase"/>) or not.</summary>
    public static BertOptions Options(bool lowerCase) => new()
    {
        LowerCaseBeforeTokenization = lowerCase,

        // Accents are stripped in Prepare, the same way with or without ICU.
        RemoveNonSpacingMarks = false,
        PreTokenizer = new RegexPreTokenizer(WordOrPunctuation(), specialTokens: null),
    };

    /// <summary>
    /// The text with tabs and line breaks as spaces and format characters (zero-width space, soft hyphen) deleted, which
/// BERT's own text cleaning does first, and, for an uncased
    /// model (<paramref name="stripAccents"/>: Hugging Face strips accents whenever it lower-cases), without accents.
    /// </summary>
    public static string Prepare(string text, bool stripAccents)
    {
        var i = 0;
        while (i < text.Length && !Changes(text[i], stripAccents))
        {
            i++;
        }

        if (i == text.Length)
        {
            return text;
        }

        var prepared = new StringBuilder(text.Length).Append(text, 0, i);
        for (; i < text.Length; i++)
        {
            var c = text[i];
            if (c is '\t' or '\n' or '\r')
            {
                prepared.Append(' ');
            }
            else if (IsFormat(c))
            {
                // Deleted, as BERT's text cleaning deletes them: a zero-width space, soft hyphen, joiner or byte-order
                // mark inside a word made the whole word [UNK] ("payment\u200bfailed" read nothing like "paymentfailed").
            }
            else if (!stripAccents)
            {
                prepared.Append(c);
            }
            else if (Folding.TryGetValue(c, out var bare))
            {
                prepared.Append(bare);
            }
            else if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark)
            {
                prepared.Append(c);
            }
        }

        return prepared.ToString();
    }

    private static bool Changes(char c, bool stripAccents) =>
        c is '\t' or '\n' or '\r' || IsFormat(c) || stripAccents && c >= '\u00C0'
            && (Folding.ContainsKey(c) || CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark);

    // Unicode's format characters (Cf), which Hugging Face's tokenizer drops with the control characters; the first
    // is the soft hyphen, U+00AD, so ASCII text pays one comparison.
    private static bool IsFormat(char c) => c >= '\u00AD' && CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.Format;

    /// <summary>
    /// A run of anything that is neither white space nor punctuation, or one punctuation character, where punctuation
    /// is BERT's: every non-alphanumeric ASCII character (symbols included) and Unicode's punctuation categories.
    /// </summary>
    [GeneratedRegex(@"[^\s!-/:-@\[-`{-~\p{P}]+|[!-/:-@\[-`{-~\p{P}]")]
    private static partial Regex WordOrPunctuation();
}
