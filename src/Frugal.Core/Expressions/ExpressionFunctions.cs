using System.Globalization;
using System.Text.Json.Nodes;

namespace Frugal.Expressions;

/// <summary>The functions expressions may call. All are pure and bounded by the size of their arguments.</summary>
internal static class ExpressionFunctions
{
    private static readonly Dictionary<string, ExpressionFunction> All = new ExpressionFunction[]
    {
        new("len", 1, 1, (a, o) => a[0] switch
        {
            null => JsonValue.Create(0),
            JsonArray arr => JsonValue.Create(arr.Count),
            JsonObject obj => JsonValue.Create(obj.Count),
            // Characters, not UTF-16 units: an emoji or a CJK extension letter is one (it counted two).
            var v => JsonValue.Create(CountCharacters(ExpressionValues.Render(v))),
        }),
        new("lower", 1, 1, (a, _) => JsonValue.Create(ExpressionValues.Render(a[0]).ToLowerInvariant())),
        new("upper", 1, 1, (a, _) => JsonValue.Create(ExpressionValues.Render(a[0]).ToUpperInvariant())),
        new("trim", 1, 1, (a, _) => JsonValue.Create(ExpressionValues.Render(a[0]).Trim())),
        new("contains", 2, 2, (a, o) => JsonValue.Create(a[0] switch
        {
            JsonArray arr => arr.Any(i => ExpressionValues.DeepEquals(i, a[1])),

            // An object holds its keys, as Python's and JavaScript's 'in' say. Its JSON text was searched instead, so a
            // value or a piece of the syntax matched: contains({"a": "b"}, 'b') and contains({"a": "b"}, 'a"') were true.
            JsonObject obj => a[1] is JsonValue key && key.GetValueKind() == System.Text.Json.JsonValueKind.String
                ? obj.ContainsKey(key.GetValue<string>())
                : throw new ExpressionException($"contains() on an object looks for a key, which is a string; got {ExpressionValues.Describe(a[1])}", o),
            var text => ExpressionValues.Render(text).Contains(ExpressionValues.Render(a[1]), StringComparison.OrdinalIgnoreCase),
        })),
        new("startswith", 2, 2, (a, _) => JsonValue.Create(
            ExpressionValues.Render(a[0]).StartsWith(ExpressionValues.Render(a[1]), StringComparison.OrdinalIgnoreCase))),
        new("endswith", 2, 2, (a, _) => JsonValue.Create(
            ExpressionValues.Render(a[0]).EndsWith(ExpressionValues.Render(a[1]), StringComparison.OrdinalIgnoreCase))),
        new("join", 1, 2, (a, o) => JsonValue.Create(string.Join(
            a.Length > 1 ? ExpressionValues.Render(a[1]) : ", ",
            List(a[0], "join", o).Select(ExpressionValues.Render)))),
        new("split", 2, 2, (a, o) => ExpressionValues.Render(a[1]) is { Length: > 0 } separator
            ? new JsonArray([.. ExpressionValues.Render(a[0])
                .Split(separator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(s => (JsonNode?)JsonValue.Create(s))])
            // .NET splits at an empty separator nowhere: split('abc', '') gave ['abc'], where JavaScript gives letters.
            : throw new ExpressionException($"split() needs a separator that is not empty, got {(a[1] is null ? "null" : "''")}", o)),
        new("coalesce", 1, 8, (a, _) => a.FirstOrDefault(v => v is not null)?.DeepClone()),
        new("tojson", 1, 1, (a, _) => JsonValue.Create(ExpressionValues.ToText(a[0]))),
        new("string", 1, 1, (a, _) => JsonValue.Create(ExpressionValues.Render(a[0]))),
        new("number", 1, 1, (a, o) => ExpressionValues.TryNumber(a[0], out var n) ? ExpressionValues.Number(n, o)
            : double.TryParse(ExpressionValues.Render(a[0]), NumberStyles.Float, CultureInfo.InvariantCulture, out n) && double.IsFinite(n)
                ? ExpressionValues.Number(n)
                : throw (a[0] is null
                    // A missing field read as '' and the message quoted that: "cannot read '' as a number".
                    ? new ExpressionException("number() got null (a missing field or a skipped step's output); give it a default: number(coalesce(x, 0))", o)
                    // The value is the run's data (an input's text): telemetry of a tenant whose text is not stored says its kind only.
                    : new ExpressionException($"number() cannot read '{ExpressionValues.Render(a[0])}' as a number", o)
                    {
                        RedactedMessage = $"number() cannot read {ExpressionValues.Describe(a[0])} as a number (the value is left out: it may quote the run's data)",
                    })),
        new("first", 1, 1, (a, o) => List(a[0], "first", o).FirstOrDefault()?.DeepClone()),
        new("last", 1, 1, (a, o) => List(a[0], "last", o).LastOrDefault()?.DeepClone()),
        new("keys", 1, 1, (a, _) => a[0] is JsonObject obj
            ? new JsonArray([.. obj.Select(p => (JsonNode?)JsonValue.Create(p.Key))])
            : new JsonArray()),
        new("truncate", 2, 2, (a, o) =>
        {
            var text = ExpressionValues.Render(a[0]);
            var max = ExpressionValues.TryNumber(a[1], out var n) ? (int)n
                : throw new ExpressionException("truncate() takes a text and a number of characters", o);

            // Characters as len() counts them, and never part of what a reader sees as one: an emoji with a skin tone,
            // a flag or a family, a letter and its accent are kept or cut whole. Cut by code point, a thumbs-up lost its
            // skin tone, a flag became a lone regional indicator, and 'e' + U+0301 lost its accent.
            int cut = 0, kept = 0;
            while (cut < text.Length)
            {
                var length = StringInfo.GetNextTextElementLength(text.AsSpan(cut));
                var characters = CountCharacters(text.AsSpan(cut, length));
                if (kept + characters > max)
                {
                    return JsonValue.Create(text[..cut]);
                }

                kept += characters;
                cut += length;
            }

            return JsonValue.Create(text);
        }),
    }.ToDictionary(f => f.Name, StringComparer.Ordinal);

    private static int CountCharacters(ReadOnlySpan<char> text)
    {
        var count = 0;
        foreach (var _ in text.EnumerateRunes())
        {
            count++;
        }

        return count;
    }

    /// <summary>The names of every function, for messages.</summary>
    public static IEnumerable<string> Names => All.Keys.Order(StringComparer.Ordinal);

    public static bool TryGet(string name, out ExpressionFunction function) => All.TryGetValue(name, out function!);

    private static JsonArray List(JsonNode? value, string function, int offset) => value switch
    {
        JsonArray array => array,
        null => [],
        _ => throw new ExpressionException($"{function}() needs a list, got {ExpressionValues.Describe(value)}", offset),
    };
}
