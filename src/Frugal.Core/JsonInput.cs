using System.Text.Json;
using System.Text.Json.Nodes;

namespace Frugal;

/// <summary>
/// Reads JSON that people send (run inputs, queue messages, feedback) strictly, so that what passes here works later
/// in the run. Two things System.Text.Json accepts by default would otherwise fail inside a run, after a 202: a
/// property given twice (the step that read the object failed with "An item with the same key has already been
/// added", and schema validation had looked at one of the two values), and a string holding a lone UTF-16
/// surrogate escape (<c>"\ud800"</c>), which cannot be turned into text and failed schema validation with a 500.
/// </summary>
public static class JsonInput
{
    /// <summary>
    /// How deeply the JSON read here may nest (System.Text.Json's default). What carries a run input nests it further
    /// (the run request, a step's request, the status answered), so those write with room to spare
    /// (<see cref="Engine.FrugalDataConverter.SerializerOptions"/>).
    /// </summary>
    public const int MaxDepth = 64;

    private const string NotUtf8 = "it holds bytes that are not UTF-8; send the input as UTF-8";

    private const string LoneSurrogate = "it holds a lone UTF-16 surrogate, such as \\ud800 without its pair";

    private static readonly JsonDocumentOptions Strict = new() { AllowDuplicateProperties = false, MaxDepth = MaxDepth };

    /// <summary>The characters for which <see cref="JsonNode.GetPath()"/> writes a name as <c>['name']</c> rather than <c>.name</c>.</summary>
    private static readonly System.Buffers.SearchValues<char> PathSpecialCharacters = System.Buffers.SearchValues.Create("$. '/\"[]()\t\n\r\f\b\\\u0085\u2028\u2029");

    private static ReadOnlySpan<byte> Utf8ByteOrderMark => [0xEF, 0xBB, 0xBF];

    /// <summary>Parses <paramref name="text"/>.</summary>
    /// <exception cref="JsonException">It is not valid JSON, repeats a property, or holds a string that is not text.</exception>
    public static JsonNode? Parse(string text) => Checked(() => JsonNode.Parse(text, documentOptions: Strict), () => System.Text.Encoding.UTF8.GetBytes(text));

    /// <summary>Parses <paramref name="utf8Json"/>.</summary>
    /// <exception cref="JsonException">It is not valid JSON, repeats a property, or holds a string that is not text.</exception>
    /// <remarks>
    /// The body is read whole first (as the parser would buffer it anyway), so that a syntax error's message can say
    /// where it is in UTF-16 code units (as editors count), not in bytes of UTF-8: the error is a new <see cref="JsonException"/> whose message
    /// holds the line and position (<see cref="JsonErrors.Describe(JsonException)"/> gives it as it is).
    /// </remarks>
    public static async Task<JsonNode?> ParseAsync(Stream utf8Json, CancellationToken cancellationToken) =>
        (await ParseElementAsync(utf8Json, cancellationToken).ConfigureAwait(false)).Node;

    /// <summary>
    /// Parses <paramref name="utf8Json"/> as <see cref="ParseAsync"/> does, and gives the element the node reads as well,
    /// so that a schema check reads the same document rather than a copy of it.
    /// </summary>
    /// <remarks>
    /// A run input may be 100 MB (<see cref="Api.ApiProtocol.MaxRequestBodyBytes"/>), and each copy of it counts: the
    /// document reads the body's own buffer (JsonNode.Parse copied it), the node is built over the document and only
    /// what is read of it is ever made into nodes, and strings are checked as UTF-8 where they lie, not decoded into
    /// .NET strings (a 90 MB text was decoded into 180 MB of UTF-16 to check it, then copied again for the schema check).
    /// </remarks>
    internal static async Task<(JsonNode? Node, JsonElement Element)> ParseElementAsync(Stream utf8Json, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(utf8Json);
        using var buffer = new MemoryStream();
        await utf8Json.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        var utf8 = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);

        // A UTF-8 byte order mark, which Windows tools write at the start of a file (Notepad, PowerShell 5's
        // -Encoding UTF8), is not part of the JSON, and parsing bytes does not skip it as the stream parser and frugal
        // run's file reader do: such a body was refused with "'0xEF' is an invalid start of a value (line 1, position 1)".
        if (utf8.Span.StartsWith(Utf8ByteOrderMark))
        {
            utf8 = utf8[Utf8ByteOrderMark.Length..];
        }
        else if (utf8.Span is [0xFF, 0xFE, ..] or [0xFE, 0xFF, ..])
        {
            // Windows PowerShell writes files as UTF-16 (Out-File, >), which frugal run reads but JSON sent to a
            // service must not be: this said "'0xFF' is an invalid start of a value (line 1, position 1)".
            throw new JsonException("it is UTF-16 (it starts with a UTF-16 byte order mark); send the input as UTF-8");
        }

        JsonElement element;
        JsonNode? node;
        try
        {
            // Not disposed: the node reads the document for as long as the input lives, and all disposing would
            // give back is its table of tokens to the array pool.
#pragma warning disable CA2000
            element = Checked(() => JsonDocument.Parse(utf8, Strict).RootElement, () => utf8);
#pragma warning restore CA2000
            node = element.ValueKind switch
            {
                JsonValueKind.Object => JsonObject.Create(element),
                JsonValueKind.Array => JsonArray.Create(element),
                _ => (JsonNode?)JsonValue.Create(element),
            };
            if (!IsText(utf8.Span))
            {
                CheckText(node, () => utf8); // names the string or property that is not text
            }
        }
        catch (JsonException ex) when (ex.LineNumber is not null && !JsonErrors.IsEmptyInput(ex))
        {
            throw new JsonException(JsonErrors.Describe(ex, utf8.Span), ex);
        }

        return (node, element);
    }

    private static JsonNode? Checked(Func<JsonNode?> parse, Func<ReadOnlyMemory<byte>> utf8)
    {
        var node = Checked<JsonNode?>(parse, utf8);
        CheckText(node, utf8);
        return node;
    }

    private static T Checked<T>(Func<T> parse, Func<ReadOnlyMemory<byte>> utf8)
    {
        T node;
        try
        {
            node = parse();
        }
        catch (JsonException ex) when (ex.LineNumber is null && DuplicateProperty(ex, utf8().Span) is { } duplicate)
        {
            // System.Text.Json says "Duplicate property 'x' encountered during deserialization" without a place, so
            // frugal run put it at 1:1 and the HTTP API at nowhere: in a long input the second 'x' had to be found by hand.
            throw duplicate;
        }
        catch (InvalidOperationException ex)
        {
            // A property name with an escaped lone surrogate fails while the object is built (the check for repeats
            // reads the names), before any place is known: this said "a property name is not valid text" and no more,
            // frugal run put it at 1:1, and in a long input the name had to be found by hand.
            throw NotText(utf8().Span, ex) ?? new JsonException($"a property name is not valid text ({NotTextReason(ex)})", ex);
        }

        return node;
    }

    /// <summary>
    /// The error to report for <paramref name="exception"/> when <paramref name="utf8"/> repeats a property in an
    /// object: it names the property and places it where its second copy starts (System.Text.Json gives no place, or,
    /// when deserialising, the place after the name). Null when nothing is repeated before the first syntax error.
    /// </summary>
    /// <param name="exception">The parse error.</param>
    /// <param name="utf8">The UTF-8 that was parsed.</param>
    internal static JsonException? DuplicateProperty(JsonException exception, ReadOnlySpan<byte> utf8) =>
        Duplicate(utf8) is { } duplicate
            ? new JsonException(
                $"property '{duplicate.Name}' is given twice in one object; each property may appear once",
                path: null,
                duplicate.Line,
                duplicate.BytePositionInLine,
                exception)
            : null;

    /// <summary>The first property that repeats a name in its object, with its place (0-based, as <see cref="JsonException"/> counts).</summary>
    private static (string Name, long Line, long BytePositionInLine)? Duplicate(ReadOnlySpan<byte> utf8)
    {
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = MaxDepth });
        var objects = new Stack<HashSet<string>?>(); // null for an array
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                        objects.Push(new HashSet<string>(StringComparer.Ordinal));
                        break;
                    case JsonTokenType.StartArray:
                        objects.Push(null);
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        objects.Pop();
                        break;
                    case JsonTokenType.PropertyName when !objects.Peek()!.Add(reader.GetString()!):
                        var start = (int)reader.TokenStartIndex;
                        var before = utf8[..start];
                        return (reader.GetString()!, before.Count((byte)'\n'), start - (before.LastIndexOf((byte)'\n') + 1));
                }
            }
        }
        catch (JsonException)
        {
            // Not the error looked for: the caller keeps the one it had.
        }

        return null;
    }

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
