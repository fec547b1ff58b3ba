using System.Text;
using YamlDotNet.Core;

namespace Frugal.Workflows;

/// <summary>
/// Where each character of a scalar's value stands in the source, for the scalars whose text YAML rewrites: escapes
/// in quoted strings (<c>\"</c>, <c>\u00e9</c>, <c>''</c>), and line folding in multi-line plain and quoted scalars
/// and folded blocks (<c>&gt;</c>), where a line break becomes a space and indentation goes. The decoding is done
/// again here, keeping each character's line and column; when it does not give back exactly the value the parser
/// produced (a construct this reading does not cover), the result is null and the caller names the scalar's start,
/// so a position is never wrong, at worst less precise.
/// </summary>
/// <remarks>
/// Hand-written because YamlDotNet reports only where a scalar starts and ends, not where each of its characters
/// came from.
/// </remarks>
internal static class ScalarPositions
{
    /// <summary>The 1-based (line, column) of each character of <paramref name="value"/>, or null.</summary>
    /// <param name="lines">The source, split at '\n'.</param>
    /// <param name="start">Where the scalar starts (its quote for quoted ones, its indicator for blocks).</param>
    /// <param name="style">The scalar's style.</param>
    /// <param name="value">The value the parser produced.</param>
    public static (int Line, int Column)[]? Map(string[] lines, Mark start, ScalarStyle style, string value)
    {
        var decoded = new StringBuilder(value.Length);
        var positions = new List<(int, int)>(value.Length);
        var ok = style switch
        {
            ScalarStyle.Plain => Flow(lines, (int)start.Line - 1, (int)start.Column - 1, quote: null, decoded, positions, value.Length),
            ScalarStyle.SingleQuoted => Flow(lines, (int)start.Line - 1, (int)start.Column, quote: '\'', decoded, positions, value.Length),
            ScalarStyle.DoubleQuoted => Flow(lines, (int)start.Line - 1, (int)start.Column, quote: '"', decoded, positions, value.Length),
            ScalarStyle.Folded => Folded(lines, (int)start.Line, decoded, positions, value.Length),
            _ => false,
        };
        if (!ok || positions.Count == 0)
        {
            return null;
        }

        // A block keeps its last line break (or all of them, with '+'): the value may end in line breaks past the text.
        while (decoded.Length < value.Length && value[decoded.Length] == '\n')
        {
            decoded.Append('\n');
            positions.Add((positions[^1].Item1, positions[^1].Item2 + 1));
        }

        return decoded.Length >= value.Length && decoded.ToString(0, value.Length) == value ? [.. positions] : null;
    }

    // A flow scalar: characters map one to one within a line; a line break, with the white space around it, folds to
    // one space, or to one '\n' per empty line that follows; in double quotes a '\' before the break removes it.
    private static bool Flow(string[] lines, int line, int column, char? quote, StringBuilder decoded, List<(int, int)> positions, int wanted)
    {
        while (line < lines.Length && decoded.Length < wanted)
        {
            var text = lines[line].TrimEnd('\r');
            var end = text.Length;
            var escapedBreak = false;
            while (column < end && decoded.Length < wanted)
            {
                var c = text[column];
                if (quote == '\'' && c == '\'')
                {
                    if (column + 1 < end && text[column + 1] == '\'')
                    {
                        Emit(decoded, positions, '\'', line, column);
                        column += 2;
                        continue;
                    }

                    return true; // the closing quote
                }

                if (quote == '"' && c == '"')
                {
                    return true;
                }

                if (quote == '"' && c == '\\')
                {
                    if (column + 1 >= end)
                    {
                        escapedBreak = true;
                        break;
                    }

                    var (character, length) = Escape(text, column + 1);
                    if (character is null)
                    {
                        return false;
                    }

                    foreach (var ch in character)
                    {
                        Emit(decoded, positions, ch, line, column);
                    }

                    column += 1 + length;
                    continue;
                }

                if (quote is null && c == '#' && column > 0 && text[column - 1] is ' ' or '\t')
                {
                    return true; // a comment ends a plain scalar
                }

                // White space that ends a line is not part of the value: look ahead before emitting it.
                if (c is ' ' or '\t' && text.AsSpan(column).Trim(" \t").IsEmpty)
                {
                    break;
                }

                Emit(decoded, positions, c, line, column);
                column++;
            }

            if (decoded.Length >= wanted)
            {
                return true;
            }

            // Fold the line break: skip empty lines (each one a '\n'), then the next line's indentation.
            line++;
            var empty = 0;
            while (line < lines.Length && lines[line].TrimEnd('\r').Trim(" \t".ToCharArray()).Length == 0)
            {
                empty++;
                line++;
            }

            if (line >= lines.Length)
            {
                return decoded.Length >= wanted;
            }

            column = lines[line].Length - lines[line].TrimStart(' ', '\t').Length;
            if (empty > 0)
            {
                for (var i = 0; i < empty; i++)
                {
                    Emit(decoded, positions, '\n', line, column);
                }
            }
            else if (!escapedBreak)
            {
                Emit(decoded, positions, ' ', line, column);
            }
        }

        return decoded.Length >= wanted;
    }

    // A folded block: its lines at the block's indentation join with a space; an empty line is a '\n' instead; more
    // indented lines keep their line breaks.
    private static bool Folded(string[] lines, int first, StringBuilder decoded, List<(int, int)> positions, int wanted)
    {
        var indent = -1;
        var previousMoreIndented = false;
        var pendingEmpty = 0;
        var started = false;
        for (var line = first; line < lines.Length && decoded.Length < wanted; line++)
        {
            var text = lines[line].TrimEnd('\r');
            if (text.Trim(' ').Length == 0)
            {
                pendingEmpty++;
                continue;
            }

            var lineIndent = text.Length - text.TrimStart(' ').Length;
            if (indent < 0)
            {
                indent = lineIndent;
            }
            else if (lineIndent < indent)
            {
                return true; // the block has ended
            }

            var moreIndented = lineIndent > indent || text[indent] == '\t';
            if (started)
            {
                if (pendingEmpty > 0)
                {
                    var breaks = previousMoreIndented || moreIndented ? pendingEmpty + 1 : pendingEmpty;
                    for (var i = 0; i < breaks; i++)
                    {
                        Emit(decoded, positions, '\n', line, indent);
                    }
                }
                else
                {
                    Emit(decoded, positions, previousMoreIndented || moreIndented ? '\n' : ' ', line, indent);
                }
            }

            for (var column = indent; column < text.Length && decoded.Length < wanted; column++)
            {
                Emit(decoded, positions, text[column], line, column);
            }

            started = true;
            pendingEmpty = 0;
            previousMoreIndented = moreIndented;
        }

        return true;
    }

    /// <summary>Appends a decoded character and where it was written (0-based line and column in, 1-based out).</summary>
    private static void Emit(StringBuilder decoded, List<(int, int)> positions, char c, int line, int column)
    {
        decoded.Append(c);
        positions.Add((line + 1, column + 1));
    }

    // The character(s) an escape stands for and how many source characters follow the '\'; null when unknown.
    private static (string? Character, int Length) Escape(string text, int at)
    {
        var c = text[at];
        switch (c)
        {
            case 'x' or 'u' or 'U':
                var digits = c == 'x' ? 2 : c == 'u' ? 4 : 8;
                if (text.Length - at - 1 < digits
                    || !int.TryParse(text.AsSpan(at + 1, digits), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture, out var code))
                {
                    return (null, 0);
                }

                // A lone surrogate (\ud83d) is one UTF-16 unit, which ConvertFromUtf32 refuses.
                return (code is >= 0xD800 and <= 0xDFFF ? ((char)code).ToString() : code <= 0x10FFFF ? char.ConvertFromUtf32(code) : null, 1 + digits);
            default:
                return (c switch
                {
                    '0' => "\0",
                    'a' => "\a",
                    'b' => "\b",
                    't' or '\t' => "\t",
                    'n' => "\n",
                    'v' => "\v",
                    'f' => "\f",
                    'r' => "\r",
                    'e' => "\u001b",
                    ' ' => " ",
                    '"' => "\"",
                    '/' => "/",
                    '\\' => "\\",
                    'N' => "\u0085",
                    '_' => "\u00a0",
                    'L' => "\u2028",
                    'P' => "\u2029",
                    _ => null,
                }, 1);
        }
    }
}
