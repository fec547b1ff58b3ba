using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Frugal.Cli.Local;

/// <summary>
/// Where a JSON Pointer's value is written in a JSON text, so a schema violation can be reported as
/// <c>file:line:column</c> like a syntax error: violations named only the pointer, and in a long input file its line had
/// to be found by hand. Written here: System.Text.Json's nodes keep no positions, and its reader gives byte offsets only.
/// </summary>
internal static class JsonLocations
{
    /// <summary>The 1-based line and column (in UTF-16 code units, as <see cref="JsonErrors"/> counts) where the value at <paramref name="pointer"/> starts.</summary>
    /// <param name="text">The JSON text (already known to parse).</param>
    /// <param name="pointer">A JSON Pointer such as <c>/documents/3/text</c>; empty for the whole value.</param>
    /// <returns>The place, or null when the pointer names nothing in the text.</returns>
    public static (int Line, int Column)? Find(string text, string pointer)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(pointer);
        var target = pointer.Length == 0
            ? []
            : pointer[1..].Split('/').Select(s => s.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)).ToArray();
        var utf8 = Encoding.UTF8.GetBytes(text);
        var reader = new Utf8JsonReader(utf8);
        var path = new List<Frame>();
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        path[^1].Key = reader.GetString();
                        continue;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        path.RemoveAt(path.Count - 1);
                        continue;
                }

                // A value starts here: its path is the keys and indexes of the containers it is in.
                if (path.Count > 0 && path[^1].IsArray)
                {
                    path[^1].Key = path[^1].Next++.ToString(CultureInfo.InvariantCulture);
                }

                if (path.Count == target.Length && path.Select(f => f.Key).SequenceEqual(target, StringComparer.Ordinal))
                {
                    return Place(utf8, (int)reader.TokenStartIndex);
                }

                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    path.Add(new Frame { IsArray = reader.TokenType == JsonTokenType.StartArray });
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON after all: no place to give.
        }

        return null;
    }

    private static (int Line, int Column) Place(byte[] utf8, int offset)
    {
        var line = 1;
        var start = 0;
        for (var i = 0; i < offset; i++)
        {
            if (utf8[i] == '\n')
            {
                line++;
                start = i + 1;
            }
        }

        return (line, (int)JsonErrors.CountUtf16Units(utf8.AsSpan(start, offset - start)) + 1);
    }

    private sealed class Frame
    {
        public bool IsArray { get; init; }

        public string? Key { get; set; }

        public int Next { get; set; }
    }
}
