using YamlDotNet.Core;

namespace Frugal.Workflows;

/// <summary>Where each value of a converted YAML document came from, keyed by JSON pointer (RFC 6901).</summary>
internal sealed class SourceMap
{
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly HashSet<string> _refused = new(StringComparer.Ordinal);
    private readonly string[] _lines;

    public SourceMap(string file, string source)
    {
        File = file;
        _lines = source.Split('\n');
    }

    public string File { get; }

    public void Add(string pointer, Mark start, Mark? keyStart, ScalarStyle? style) =>
        _entries[pointer] = new Entry(start, keyStart, style);

    /// <summary>Marks the value at <paramref name="pointer"/> as one the conversion refused and reported already.</summary>
    public void Refuse(string pointer) => _refused.Add(pointer);

    /// <summary>Whether the value at <paramref name="pointer"/> was refused (and stands in the document as null).</summary>
    public bool IsRefused(string pointer) => _refused.Contains(pointer);

    /// <summary>The position of the value at <paramref name="pointer"/>, or of its nearest recorded ancestor.</summary>
    public SourceLocation Value(string pointer)
    {
        var entry = Find(pointer);
        return entry is null ? new SourceLocation(File, 1, 1) : At(entry.Start);
    }

    /// <summary>The position of the key of the member at <paramref name="pointer"/> (its value's, for list items).</summary>
    public SourceLocation Key(string pointer)
    {
        var entry = Find(pointer);
        return entry is null ? new SourceLocation(File, 1, 1) : At(entry.KeyStart ?? entry.Start);
    }

    /// <summary>
    /// The position of the character at <paramref name="offset"/> inside the string at <paramref name="pointer"/>.
    /// Exact for literal blocks and for one-line scalars without escapes; for the scalars whose text YAML rewrites
    /// (escapes, folded blocks, multi-line quoted or plain scalars) it decodes the text again keeping positions
    /// (<see cref="ScalarPositions"/>), and names the start of the scalar when that reading cannot follow it.
    /// </summary>
    public SourceLocation InString(string pointer, string value, int offset)
    {
        var entry = Find(pointer);
        if (entry is null)
        {
            return new SourceLocation(File, 1, 1);
        }

        offset = Math.Clamp(offset, 0, value.Length);
        var newlines = value.AsSpan(0, offset).Count('\n');
        switch (entry.Style)
        {
            case ScalarStyle.Literal:
                return InLiteralBlock(entry.Start, value, offset, newlines);
            case ScalarStyle.Plain or ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted or ScalarStyle.Folded
                when ScalarPositions.Map(_lines, entry.Start, entry.Style.Value, value) is { } positions:
                return offset < positions.Length ? new SourceLocation(File, positions[offset].Line, positions[offset].Column)
                    : positions.Length > 0 ? new SourceLocation(File, positions[^1].Line, positions[^1].Column + 1)
                    : At(entry.Start);
            default:
                return At(entry.Start);
        }
    }

    private SourceLocation InLiteralBlock(Mark start, string value, int offset, int newlines)
    {
        // The block's text starts on the line after its '|' indicator, indented like its first line.
        var firstLine = (int)start.Line; // 0-based index of the line after the indicator
        if (firstLine >= _lines.Length)
        {
            return At(start);
        }

        var lineStart = value.LastIndexOf('\n', Math.Max(0, offset - 1), Math.Max(0, offset));
        var column = offset - (offset > 0 && lineStart >= 0 ? lineStart + 1 : 0);

        // The block's lines are the file's lines less its indentation, so a line of the value ends its line in the file.
        // The indentation is measured on the line itself: the first line's was wrong after a leading blank line (taken
        // as 0) and with an indentation indicator (|2) that keeps some of the first line's spaces.
        var index = firstLine + newlines;
        var source = index < _lines.Length ? _lines[index].TrimEnd('\r') : string.Empty;
        var lineEnd = value.IndexOf('\n', lineStart + 1);
        var line = value[(lineStart + 1)..(lineEnd < 0 ? value.Length : lineEnd)];
        var indent = line.Length > 0 && source.EndsWith(line, StringComparison.Ordinal)
            ? source.Length - line.Length
            : source.Length - source.TrimStart(' ').Length;
        return new SourceLocation(File, index + 1, indent + column + 1);
    }

    private Entry? Find(string pointer)
    {
        while (true)
        {
            if (_entries.TryGetValue(pointer, out var entry))
            {
                return entry;
            }

            if (pointer.Length == 0)
            {
                return null;
            }

            var slash = pointer.LastIndexOf('/');
            pointer = slash <= 0 ? string.Empty : pointer[..slash];
        }
    }

    private SourceLocation At(Mark mark) => new(File, (int)mark.Line, (int)mark.Column);

    private sealed record Entry(Mark Start, Mark? KeyStart, ScalarStyle? Style);
}
