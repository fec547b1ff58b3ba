using System.Text.Json;

namespace Frugal;

/// <summary>
/// What a <see cref="JsonException"/> says, for people. System.Text.Json ends its messages with
/// <c>Path: $.x | LineNumber: 0 | BytePositionInLine: 11.</c>, counting lines and positions from zero, which reads as
/// the wrong place next to an editor's line numbers.
/// </summary>
/// <remarks>
/// Columns are UTF-16 code units from the start of the line, plus one, the convention of every <c>file:line:column</c>
/// Frugal prints (workflow YAML, whose parser counts so, and .json / .jsonl inputs alike): it is what VS Code's
/// "Go to Line" (<c>line:column</c>), its terminal links and problem matchers, the Language Server Protocol and the .NET
/// compilers use, so a printed place opens at the right character. An emoji (a surrogate pair) counts two, a CJK letter
/// or a precomposed é one, an e followed by a combining accent (U+0301) two, as each is stored. Counting Unicode scalars instead, as
/// this class did, put JSON errors one column left of YAML ones for each emoji before them. VS Code's status bar shows
/// another figure again (tabs to their stop, wide letters as two), which no tool's output matches.
/// </remarks>
public static class JsonErrors
{
    private const string EmptyInput = "there is no JSON: the input is empty";

    /// <summary>Whether the error is that there was nothing to read (an empty or blank input).</summary>
    /// <param name="exception">The parse error.</param>
    /// <returns>True for empty input.</returns>
    public static bool IsEmptyInput(JsonException exception) => Reason(exception) == EmptyInput;

    /// <summary>What was wrong, without System.Text.Json's location suffix (for callers that say where themselves).</summary>
    /// <param name="exception">The parse or conversion error.</param>
    /// <returns>For example <c>'b' is an invalid start of a value</c>.</returns>
    public static string Reason(JsonException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var message = exception.Message;
        if (message.StartsWith("The input does not contain any JSON tokens", StringComparison.Ordinal))
        {
            // System.Text.Json's words for empty (or whitespace-only) input end "when isFinalBlock is true".
            return EmptyInput;
        }

        var cut = message.IndexOf(" Path: ", StringComparison.Ordinal);
        if (cut < 0)
        {
            cut = message.IndexOf(" LineNumber: ", StringComparison.Ordinal);
        }

        return (cut < 0 ? message : message[..cut]).TrimEnd('.', ' ');
    }

    /// <summary>What was wrong and where: line and position counted from one, and the JSON path when it is not the root.</summary>
    /// <param name="exception">The parse or conversion error.</param>
    /// <returns>For example <c>'b' is an invalid start of a value (line 2, position 12)</c>.</returns>
    public static string Describe(JsonException exception) => Describe(exception, (exception?.BytePositionInLine ?? 0) + 1);

    /// <summary>
    /// What was wrong and where, the position counted in UTF-16 code units of <paramref name="text"/> (the parsed text)
    /// rather than in bytes of UTF-8, so that it matches an editor's column on a line with accented or non-Latin letters.
    /// </summary>
    /// <param name="exception">The parse error.</param>
    /// <param name="text">The text that was parsed.</param>
    public static string Describe(JsonException exception, string text) => Describe(exception, Column(text, exception));

    /// <summary>What was wrong and where, the position counted in UTF-16 code units of <paramref name="utf8"/> (the parsed bytes).</summary>
    /// <param name="exception">The parse error.</param>
    /// <param name="utf8">The UTF-8 that was parsed.</param>
    public static string Describe(JsonException exception, ReadOnlySpan<byte> utf8) => Describe(exception, Column(utf8, exception));

    private static string Describe(JsonException exception, long column)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var reason = Reason(exception);
        if (reason == EmptyInput)
        {
            return reason;
        }

        var where = new List<string>(2);
        if (exception.LineNumber is { } line)
        {
            where.Add($"line {line + 1}, position {column}");
        }

        if (exception.Path is { Length: > 0 } path && path != "$")
        {
            where.Add(path);
        }

        return where.Count == 0 ? reason : $"{reason} ({string.Join(", ", where)})";
    }

    /// <summary>
    /// The 1-based column, in UTF-16 code units, of the place <paramref name="exception"/> names in <paramref name="text"/>:
    /// the reader counts bytes of UTF-8, so on a line with accented or non-Latin letters before the error its position
    /// was past the character (29 read as 36).
    /// </summary>
    /// <param name="text">The text that was parsed.</param>
    /// <param name="exception">The parse error.</param>
    public static long Column(string text, JsonException exception)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(exception);
        var start = 0;
        for (var line = 0L; line < (exception.LineNumber ?? 0) && start < text.Length; line++)
        {
            var next = text.IndexOf('\n', start);
            start = next < 0 ? text.Length : next + 1;
        }

        long bytes = exception.BytePositionInLine ?? 0;
        var i = start;
        while (i < text.Length && bytes > 0 && text[i] != '\n')
        {
            // A surrogate pair is two code units in four bytes; otherwise UTF-8 takes one to three bytes a code unit.
            var pair = char.IsHighSurrogate(text[i]) && i + 1 < text.Length;
            bytes -= pair ? 4 : text[i] < 0x80 ? 1 : text[i] < 0x800 ? 2 : 3;
            i += pair ? 2 : 1;
        }

        return i - start + 1;
    }

    /// <summary>The 1-based column, in UTF-16 code units, of the place <paramref name="exception"/> names in <paramref name="utf8"/>.</summary>
    /// <param name="utf8">The UTF-8 that was parsed.</param>
    /// <param name="exception">The parse error.</param>
    public static long Column(ReadOnlySpan<byte> utf8, JsonException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        for (var line = 0L; line < (exception.LineNumber ?? 0) && !utf8.IsEmpty; line++)
        {
            var next = utf8.IndexOf((byte)'\n');
            utf8 = next < 0 ? [] : utf8[(next + 1)..];
        }

        return CountUtf16Units(utf8[..(int)Math.Min(exception.BytePositionInLine ?? 0, utf8.Length)]) + 1;
    }

    /// <summary>
    /// The UTF-16 code units <paramref name="utf8"/> decodes to up to its first line break: two for a four-byte sequence
    /// (11110xxx, a letter outside the Basic Multilingual Plane such as an emoji), none for a byte that continues a
    /// sequence (10xxxxxx), one for any other, as the text overload of <see cref="Column(string, JsonException)"/> counts.
    /// </summary>
    /// <param name="utf8">UTF-8 text.</param>
    public static long CountUtf16Units(ReadOnlySpan<byte> utf8)
    {
        long units = 0;
        foreach (var b in utf8)
        {
            if (b == '\n')
            {
                break;
            }

            units += (b & 0xC0) == 0x80 ? 0 : (b & 0xF8) == 0xF0 ? 2 : 1;
        }

        return units;
    }
}
