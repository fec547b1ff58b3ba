using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Frugal.Expressions;

/// <summary>
/// JSON as text for a model or a person: every character as itself except what JSON requires escaped (the quote, the
/// backslash, control characters) and a lone surrogate, which no text can hold.
/// </summary>
/// <remarks>
/// System.Text.Json's encoders, even <c>UnsafeRelaxedJsonEscaping</c>, write a character outside the Basic Multilingual
/// Plane as a surrogate pair of escapes (an emoji became <c>\uD83D\uDE00</c>) and escape the spaces and format
/// characters of the Unicode block list (a no-break space, U+3000, a soft hyphen): in a prompt that is a different
/// prompt, and more tokens paid for it.
/// </remarks>
public static class JsonText
{
    /// <summary>Writes <paramref name="value"/> as JSON text.</summary>
    /// <param name="value">The value; null is written <c>null</c>.</param>
    /// <param name="indented">Whether to indent by two spaces, as <see cref="JsonSerializerOptions.WriteIndented"/> does.</param>
    /// <returns>Valid JSON holding the same value.</returns>
    public static string Write(JsonNode? value, bool indented = false) => Append(new StringBuilder(), value, indented).ToString();

    /// <summary>
    /// Appends <paramref name="value"/> as JSON text to <paramref name="text"/>, for a caller that writes the builder's
    /// chunks out (<see cref="TextWriter.Write(StringBuilder)"/>) rather than make one string of a large value.
    /// </summary>
    /// <param name="text">The builder to append to.</param>
    /// <param name="value">The value; null is written <c>null</c>.</param>
    /// <param name="indented">Whether to indent by two spaces, as <see cref="JsonSerializerOptions.WriteIndented"/> does.</param>
    /// <returns><paramref name="text"/>.</returns>
    public static StringBuilder Append(StringBuilder text, JsonNode? value, bool indented = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        Write(text, value, indented, 0);
        return text;
    }

    private static void Write(StringBuilder text, JsonNode? value, bool indented, int depth)
    {
        switch (value)
        {
            case null:
                text.Append("null");
                break;
            case JsonObject obj:
                WriteContainer(text, '{', '}', obj, indented, depth, static (t, pair, ind, d) =>
                {
                    WriteString(t, pair.Key);
                    t.Append(ind ? ": " : ":");
                    Write(t, pair.Value, ind, d);
                });
                break;
            case JsonArray array:
                WriteContainer(text, '[', ']', array, indented, depth, static (t, item, ind, d) => Write(t, item, ind, d));
                break;
            case JsonValue v:
                switch (v.GetValueKind())
                {
                    case JsonValueKind.String:
                        WriteString(text, v.GetValue<string>());
                        break;
                    case JsonValueKind.Object or JsonValueKind.Array:
                        // A value wrapping a JsonElement that is itself an object or a list.
                        Write(text, JsonNode.Parse(v.ToJsonString()), indented, depth);
                        break;
                    default:
                        // Numbers, booleans and null hold no characters to escape.
                        text.Append(v.ToJsonString());
                        break;
                }

                break;
        }
    }

    private static void WriteContainer<T>(StringBuilder text, char open, char close, IEnumerable<T> items, bool indented, int depth, Action<StringBuilder, T, bool, int> item)
    {
        text.Append(open);
        bool any = false;
        foreach (var entry in items)
        {
            text.Append(any ? "," : string.Empty);
            if (indented)
            {
                text.Append('\n').Append(' ', 2 * (depth + 1));
            }

            item(text, entry, indented, depth + 1);
            any = true;
        }

        if (indented && any)
        {
            text.Append('\n').Append(' ', 2 * depth);
        }

        text.Append(close);
    }

    private static void WriteString(StringBuilder text, string value)
    {
        text.Append('"');
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            switch (c)
            {
                case '"': text.Append("\\\""); break;
                case '\\': text.Append("\\\\"); break;
                case '\n': text.Append("\\n"); break;
                case '\r': text.Append("\\r"); break;
                case '\t': text.Append("\\t"); break;
                case '\b': text.Append("\\b"); break;
                case '\f': text.Append("\\f"); break;
                default:
                    if (c < ' ')
                    {
                        Escape(text, c);
                    }
                    else if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
                    {
                        text.Append(c).Append(value[++i]);
                    }
                    else if (char.IsSurrogate(c))
                    {
                        Escape(text, c);
                    }
                    else
                    {
                        text.Append(c);
                    }

                    break;
            }
        }

        text.Append('"');
    }

    private static void Escape(StringBuilder text, char c) =>
        text.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
}
