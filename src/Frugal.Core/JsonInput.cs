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
public static partial class JsonInput
{
    /// <summary>
    /// How deeply the JSON read here may nest (System.Text.Json's default). What carries a run input nests it further
    /// (the run request, a step's request, the status answered), so those write with room to spare
    /// (<see cref="Engine.FrugalDataConverter.SerializerOptions"/>).
    /// </summary>
    public const int MaxDepth = 64;

    private static readonly JsonDocumentOptions Strict = new() { AllowDuplicateProperties = false, MaxDepth = MaxDepth };

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
}
