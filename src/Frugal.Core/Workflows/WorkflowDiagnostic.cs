using System.Globalization;
using System.Text;

namespace Frugal.Workflows;

/// <summary>One problem found in a workflow definition, printed as <c>file:line:column: message</c>.</summary>
/// <param name="Location">Where the problem is.</param>
/// <param name="Message">What was expected there.</param>
public sealed record WorkflowDiagnostic(SourceLocation Location, string Message)
{
    /// <summary>
    /// What was expected there, on one line: a line break or other control character that the message quotes (a
    /// multi-line regex, a file of binary bytes) is written as an escape such as <c>\n</c>, so every problem stays one
    /// <c>file:line:column: message</c> line that editors and CI annotations can read.
    /// </summary>
    public string Message { get; init; } = OneLine(Message);

    /// <inheritdoc />
    public override string ToString() => $"{Location}: {Message}";

    private static string OneLine(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!message.Any(IsBreaking))
        {
            return message;
        }

        var text = new StringBuilder(message.Length + 16);
        foreach (var c in message)
        {
            _ = c switch
            {
                '\n' => text.Append("\\n"),
                '\r' => text.Append("\\r"),
                '\t' => text.Append("\\t"),
                _ when IsBreaking(c) => text.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}"),
                _ => text.Append(c),
            };
        }

        return text.ToString();
    }

    private static bool IsBreaking(char c) =>
        char.IsControl(c) || char.GetUnicodeCategory(c) is UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator;
}
