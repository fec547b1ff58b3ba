using System.Text.Json;

namespace Frugal;

/// <summary>
/// What a <see cref="JsonException"/> says, for people. System.Text.Json ends its messages with
/// <c>Path: $.x | LineNumber: 0 | BytePositionInLine: 11.</c>, counting lines and positions from zero, which reads as
/// the wrong place next to an editor's line numbers.
/// </summary>
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
    public static string Describe(JsonException exception)
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
            where.Add($"line {line + 1}, position {(exception.BytePositionInLine ?? 0) + 1}");
        }

        if (exception.Path is { Length: > 0 } path && path != "$")
        {
            where.Add(path);
        }

        return where.Count == 0 ? reason : $"{reason} ({string.Join(", ", where)})";
    }
}
