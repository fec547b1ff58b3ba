using System.Globalization;

namespace Frugal.Onnx.Embeddings;

/// <summary>
/// A text with nothing to read: empty, or only whitespace and the characters BERT's text cleaning deletes (control and
/// format characters such as a zero-width space or a byte-order mark, and U+FFFD). Its embedding is that of
/// <c>[CLS] [SEP]</c> alone, which a classifier labels as if it said something, so the inference app and the in-process
/// models refuse it, in these words.
/// </summary>
public static class BlankText
{
    /// <summary>Whether <paramref name="text"/> has nothing to read.</summary>
    /// <param name="text">The text.</param>
    /// <returns>True when it is empty, or holds only whitespace and characters the tokenizer deletes.</returns>
    /// <remarks>Whitespace alone was checked: "\u200b" or "\u0000" passed and was embedded and classified as [CLS] [SEP].</remarks>
    public static bool Is(string text) => text is null || text.All(static c => char.IsWhiteSpace(c) || Deleted(c));

    /// <summary>What a caller reads when the text named <paramref name="param"/> (<c>input</c>, <c>input[1]</c>) is blank.</summary>
    /// <param name="param">The text's place in the request.</param>
    /// <returns>The message.</returns>
    public static string Message(string param) => $"'{param}' is empty or only whitespace; send some text.";

    private static bool Deleted(char c) =>
        char.IsControl(c) || c == '\uFFFD' || (c >= '\u00AD' && CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.Format);
}
