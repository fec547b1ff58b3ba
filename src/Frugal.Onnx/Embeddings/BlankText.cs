namespace Frugal.Onnx.Embeddings;

/// <summary>
/// A text with nothing to read: empty or only whitespace. Its embedding is that of <c>[CLS] [SEP]</c> alone, which a
/// classifier labels as if it said something, so the inference app and the in-process models refuse it, in these words.
/// </summary>
public static class BlankText
{
    /// <summary>Whether <paramref name="text"/> has nothing to read.</summary>
    /// <param name="text">The text.</param>
    /// <returns>True when it is empty or only whitespace.</returns>
    public static bool Is(string text) => string.IsNullOrWhiteSpace(text);

    /// <summary>What a caller reads when the text named <paramref name="param"/> (<c>input</c>, <c>input[1]</c>) is blank.</summary>
    /// <param name="param">The text's place in the request.</param>
    /// <returns>The message.</returns>
    public static string Message(string param) => $"'{param}' is empty or only whitespace; send some text.";
}
