using System.Text.Json;
using System.Text.Json.Nodes;

namespace Frugal;

/// <summary>Whether what was parsed is text, and when it is not, which string or property name and where.</summary>
public static partial class JsonInput
{
    private const string NotUtf8 = "it holds bytes that are not UTF-8; send the input as UTF-8";

    private const string LoneSurrogate = "it holds a lone UTF-16 surrogate, such as \\ud800 without its pair";

    /// <summary>The characters for which <see cref="JsonNode.GetPath()"/> writes a name as <c>['name']</c> rather than <c>.name</c>.</summary>
    private static readonly System.Buffers.SearchValues<char> PathSpecialCharacters = System.Buffers.SearchValues.Create("$. '/\"[]()\t\n\r\f\b\\\u0085\u2028\u2029");

    /// <summary>
    /// Whether every string and property name in <paramref name="utf8"/> (valid JSON) is text: valid UTF-8 once
    /// unescaped, so with no lone surrogate. Read where it lies; a long unescaped string is not copied at all.
    /// </summary>
    private static bool IsText(ReadOnlySpan<byte> utf8)
    {
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = MaxDepth });
        byte[]? unescaped = null;
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType is not (JsonTokenType.String or JsonTokenType.PropertyName))
                {
                    continue;
                }

                if (!reader.ValueIsEscaped)
                {
                    if (!System.Text.Unicode.Utf8.IsValid(reader.ValueSpan))
                    {
                        return false;
                    }

                    continue;
                }

                // Unescaped text is never longer than its escaped form.
                if (unescaped is null || unescaped.Length < reader.ValueSpan.Length)
                {
                    if (unescaped is not null)
                    {
                        System.Buffers.ArrayPool<byte>.Shared.Return(unescaped);
                    }

                    unescaped = System.Buffers.ArrayPool<byte>.Shared.Rent(reader.ValueSpan.Length);
                }

                if (!System.Text.Unicode.Utf8.IsValid(unescaped.AsSpan(0, reader.CopyString(unescaped))))
                {
                    return false;
                }
            }

            return true;
        }
        catch (InvalidOperationException)
        {
            return false; // an escaped lone surrogate
        }
        finally
        {
            if (unescaped is not null)
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(unescaped);
            }
        }
    }

    /// <summary>
    /// The error to report when a property name or string in <paramref name="utf8"/> is not text: it names the first
    /// such one (a name by the object that holds it, a string by its own path) and places it where it starts (0-based,
    /// as <see cref="JsonException"/> counts). Read again only when decoding a name or string has failed. Null when none
    /// is found that is not text.
    /// </summary>
    private static JsonException? NotText(ReadOnlySpan<byte> utf8, Exception cause)
    {
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = MaxDepth });
        var containers = new List<(bool IsArray, int Index, string Name)>(); // where the reader is, for the path
        try
        {
            while (reader.Read())
            {
                if (containers is [.., { IsArray: true } array] && reader.TokenType is not JsonTokenType.EndArray)
                {
                    containers[^1] = array with { Index = array.Index + 1 };
                }

                string? what = null;
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        containers.Add((reader.TokenType == JsonTokenType.StartArray, -1, string.Empty));
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        containers.RemoveAt(containers.Count - 1);
                        break;
                    case JsonTokenType.PropertyName when NotTextReason(ref reader) is { } reason:
                        what = $"a property name in the object at {Path(containers[..^1])} is not valid text ({reason})";
                        break;
                    case JsonTokenType.PropertyName:
                        containers[^1] = containers[^1] with { Name = reader.GetString()! };
                        break;
                    case JsonTokenType.String when NotTextReason(ref reader) is { } reason:
                        what = $"the string at {Path(containers)} is not valid text ({reason})";
                        break;
                }

                if (what is not null)
                {
                    var start = (int)reader.TokenStartIndex;
                    var before = utf8[..start];
                    return new JsonException(what, path: null, before.Count((byte)'\n'), start - (before.LastIndexOf((byte)'\n') + 1), cause);
                }
            }
        }
        catch (JsonException)
        {
            // Not valid JSON before a name or string that is not text: the caller keeps the error it had.
        }

        return null;
    }

    /// <summary>Why the property name or string the reader is on is not text, or null when it is.</summary>
    private static string? NotTextReason(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped)
        {
            return System.Text.Unicode.Utf8.IsValid(reader.ValueSpan) ? null : NotUtf8;
        }

        try
        {
            _ = reader.GetString();
            return null;
        }
        catch (InvalidOperationException ex)
        {
            return NotTextReason(ex);
        }
    }

    /// <summary>
    /// The path of the value at <paramref name="positions"/> (each container's position, outermost first), written as
    /// <see cref="JsonNode.GetPath()"/> writes it.
    /// </summary>
    private static string Path(List<(bool IsArray, int Index, string Name)> positions)
    {
        var path = new System.Text.StringBuilder("$");
        foreach (var (isArray, index, name) in positions)
        {
            if (isArray)
            {
                path.Append('[').Append(index).Append(']');
            }
            else if (name.AsSpan().ContainsAny(PathSpecialCharacters))
            {
                // Backslashes and quotes are escaped within the quotes, as GetPath writes them.
                path.Append("['").Append(name.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal)).Append("']");
            }
            else
            {
                path.Append('.').Append(name);
            }
        }

        return path.ToString();
    }

    /// <summary>Decodes every string once, so one that cannot be text fails here, naming where it is.</summary>
    private static void CheckText(JsonNode? node, Func<ReadOnlyMemory<byte>> utf8)
    {
        switch (node)
        {
            case JsonObject obj:
                try
                {
                    // The names are decoded when the object is first read: one of bytes that are not UTF-8 failed
                    // there, outside the parse, and the HTTP API answered 500.
                    _ = obj.Count;
                }
                catch (InvalidOperationException ex)
                {
                    throw NotText(utf8().Span, ex)
                        ?? new JsonException($"a property name in the object at {obj.GetPath()} is not valid text ({NotTextReason(ex)})", ex);
                }

                foreach (var (_, value) in obj)
                {
                    CheckText(value, utf8);
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    CheckText(item, utf8);
                }

                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                try
                {
                    _ = value.GetValue<string>();
                }
                catch (Exception ex) when (ex is InvalidOperationException or JsonException or FormatException)
                {
                    // The string is named by its path, but no place was known: frugal run put it at 1:1 (or column 1 of a
                    // .jsonl line) and in a long input the string had to be found by hand.
                    throw NotText(utf8().Span, ex)
                        ?? new JsonException($"the string at {value.GetPath()} is not valid text ({NotTextReason(ex)})", ex);
                }

                break;
        }
    }

    /// <summary>Why a string or property name could not be decoded.</summary>
    private static string NotTextReason(Exception ex) =>
        // Bytes that are not UTF-8 (a body sent in Latin-1) read as a lone surrogate before: name the right fault.
        Causes(ex).Any(e => e is System.Text.DecoderFallbackException) ? NotUtf8 : LoneSurrogate;

    private static IEnumerable<Exception> Causes(Exception? ex)
    {
        for (; ex is not null; ex = ex.InnerException)
        {
            yield return ex;
        }
    }
}
