using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Frugal.Workflows;

/// <summary>Words for JSON Schema errors: what was expected, with the names and values involved.</summary>
internal static partial class SchemaMessages
{
    public static SchemaViolation Describe(
        string pointer, string evaluationPath, string schemaLocation, string keyword, string fallback, JsonNode? schema, JsonNode? instance, bool json)
    {
        // A run input is JSON sent by a program; a workflow file is YAML written by a person. Each gets its own words.
        string Describe(JsonNode? node) => json ? DescribeJson(node) : SchemaMessages.Describe(node);
        string TypeNames(JsonNode? type) => SchemaMessages.TypeNames(type, json);
        var rule = schema is null ? null : Resolve(schema, Fragment(schemaLocation));
        var value = At(instance, pointer);
        var subject = pointer.Length == 0 && json ? "the input" : Subject(pointer);
        var name = Unescape(pointer[(pointer.LastIndexOf('/') + 1)..]);
        switch (keyword)
        {
            case "" when evaluationPath.EndsWith("/additionalProperties", StringComparison.Ordinal):
            {
                var allowed = AllowedProperties(schema, schemaLocation);
                var suggestion = Suggest(name, allowed);
                var message = $"unknown property '{name}'"
                    + (suggestion is null ? string.Empty : $"; did you mean '{suggestion}'?")
                    + (allowed.Count == 0 ? string.Empty : (suggestion is null ? "; expected" : " Expected") + $" one of: {string.Join(", ", allowed)}");
                return new(pointer, message, true);
            }

            case "":
                // The body runs once per item, unconditionally and together with the others: a 'when' there was ignored
                // (paying for the items it meant to leave out), and so was 'needs'.
                return new(pointer, pointer.EndsWith("/do/" + name, StringComparison.Ordinal) ? name switch
                {
                    "id" => "'id' is not allowed in 'do': the step runs once per item and takes the foreach step's id",
                    "when" => "'when' is not supported inside 'do': the step runs for every item; put 'when' on the foreach step, or give it only the items you want in 'items'",
                    "needs" => "'needs' is not supported inside 'do'; put it on the foreach step",
                    _ => $"property '{name}' is not allowed here",
                } : $"property '{name}' is not allowed here", true);

            case "required":
            {
                var required = rule?["required"] is JsonArray list ? list.Select(n => n?.GetValue<string>()).OfType<string>() : [];
                var present = value as JsonObject;
                var missing = required.Where(r => present is null || !present.ContainsKey(r)).ToList();
                if (missing.Count == 0)
                {
                    return new(pointer, fallback, false);
                }

                var kind = present?["kind"] is JsonValue k && k.GetValueKind() == JsonValueKind.String ? k.GetValue<string>() : null;
                var what = missing.Count == 1 ? $"missing required property '{missing[0]}'" : $"missing required properties {string.Join(", ", missing.Select(m => $"'{m}'"))}";
                var operation = present?["operation"] is JsonValue o && o.GetValueKind() == JsonValueKind.String ? o.GetValue<string>() : null;
                var context = kind is null ? string.Empty
                    : operation is not null && kind == "deterministic" && missing.Any(m => m is "table" or "pattern") ? $" (a {operation} step needs it)"
                    : $" (a {kind} step needs it)";
                return new(pointer, pointer.Length == 0 ? what : what + context, false);
            }

            case "type":
            {
                // Without the schema's text (a meta-schema), the expected type is read from the library's message.
                var expected = rule?["type"] ?? (ExpectedType().Match(fallback) is { Success: true } m ? JsonValue.Create(m.Groups[1].Value) : null);
                return new(pointer, expected is null ? $"{subject}: {fallback}" : $"{subject} must be {TypeNames(expected)}, found {Describe(value)}", false);
            }

            case "enum":
            {
                var options = rule?["enum"] is JsonArray e ? string.Join(", ", e.Select(o => o?.ToString()))
                    : schema is null && name == "type" ? "array, boolean, integer, null, number, object, string" // the meta-schema's simpleTypes
                    : null;
                var prefix = name == "kind" ? $"unknown step kind {Describe(value)}" : $"{subject} cannot be {Describe(value)}";
                return new(pointer, options is null ? $"{prefix}: {fallback}" : $"{prefix}; expected one of: {options}", false);
            }

            case "pattern":
            {
                var hint = rule?["description"]?.ToString();
                return new(pointer, $"{subject} {Describe(value)} does not match {rule?["pattern"]}" + (hint is null ? string.Empty : $": {hint}"), false);
            }

            case "minimum" or "exclusiveMinimum":
                return new(pointer, $"{subject} must be at least {rule?[keyword]}, found {Describe(value)}", false);

            case "maximum" or "exclusiveMaximum":
                return new(pointer, $"{subject} must be at most {rule?[keyword]}, found {Describe(value)}", false);

            case "minItems":
                return new(pointer, rule?["minItems"]?.ToString() == "1"
                    ? $"{subject} must not be empty"
                    : $"{subject} must hold at least {rule?["minItems"]} items", false);

            case "maxItems":
                return new(pointer, $"{subject} must hold at most {rule?["maxItems"]} items", false);

            case "minLength":
                return new(pointer, $"{subject} must be at least {rule?["minLength"]} characters long", false);

            case "maxLength":
                return new(pointer, $"{subject} must be at most {rule?["maxLength"]} characters long", false);

            case "uniqueItems":
                return new(pointer, $"{subject} lists the same value twice", false);

            case "const":
                return new(pointer, $"{subject} must be {Frugal.Expressions.JsonText.Write(rule?["const"])}, found {Describe(value)}", false);

            default:
                return new(pointer, $"{subject}: {fallback}", false);
        }
    }

    /// <summary>A value as a message shows it: texts quoted, mappings and lists by kind.</summary>
    public static string Describe(JsonNode? value) => value switch
    {
        null => "nothing (null)",
        JsonObject => "a mapping",
        JsonArray => "a list",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => Quoted(v.GetValue<string>()),
        _ => value.ToJsonString(),
    };

    // Messages go to logs, traces and HTTP answers: a long value (a document, a model's answer, which may hold a
    // customer's data) is named by its start and length, not copied whole into each of them.
    private static string Quoted(string text) =>
        text.Length <= 60 ? $"'{text}'" : string.Create(CultureInfo.InvariantCulture, $"'{text[..57]}...' ({text.Length:N0} characters)");

    private static string DescribeJson(JsonNode? value) => value switch
    {
        JsonObject => "an object",
        JsonArray => "an array",
        _ => Describe(value),
    };

    /// <summary>The name a message uses for the value at a pointer: <c>'batch_size'</c>, <c>'needs' item 2</c>.</summary>
    public static string Subject(string pointer)
    {
        if (pointer.Length == 0)
        {
            return "the document";
        }

        var segments = pointer.Split('/').Skip(1).Select(Unescape).ToArray();
        var last = segments[^1];
        if (int.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && segments.Length > 1)
        {
            return $"'{segments[^2]}' item {index + 1}";
        }

        return $"'{last}'";
    }

    public static JsonNode? At(JsonNode? root, string pointer)
    {
        var node = root;
        foreach (var segment in pointer.Split('/').Skip(1).Select(Unescape))
        {
            node = node switch
            {
                JsonObject obj => obj.TryGetPropertyValue(segment, out var child) ? child : null,
                JsonArray array when int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < array.Count => array[i],
                _ => null,
            };
        }

        return node;
    }

    private static string Unescape(string segment) =>
        segment.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);

    private static string Fragment(string schemaLocation)
    {
        var hash = schemaLocation.IndexOf('#', StringComparison.Ordinal);
        return hash < 0 ? string.Empty : Uri.UnescapeDataString(schemaLocation[(hash + 1)..]);
    }

    /// <summary>
    /// The schema node the location resolves to. JsonSchema.Net adds segments of its own: under <c>items</c> it
    /// reports <c>#/properties/rows/items/rows/properties/id</c> for <c>#/properties/rows/items/properties/id</c>, and
    /// stopping at the first segment that did not resolve left a rule inside list items without its value ("must be
    /// at least  characters long"). So a segment that does not resolve is passed over, and only schemas (objects and
    /// arrays of them) are entered, never a keyword's value.
    /// </summary>
    private static JsonNode? Resolve(JsonNode schema, string fragment)
    {
        var node = schema;
        foreach (var segment in fragment.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Unescape))
        {
            var next = node switch
            {
                JsonObject obj => obj.TryGetPropertyValue(segment, out var child) ? child : null,
                JsonArray array when int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < array.Count => array[i],
                _ => null,
            };
            if (next is JsonObject or JsonArray)
            {
                node = next;
            }
        }

        return node;
    }

    private static List<string> AllowedProperties(JsonNode? schema, string schemaLocation)
    {
        var fragment = Fragment(schemaLocation);
        var cut = fragment.LastIndexOf("/additionalProperties", StringComparison.Ordinal);
        if (schema is null || cut < 0)
        {
            return [];
        }

        return Resolve(schema, fragment[..cut])?["properties"] is JsonObject properties ? [.. properties.Select(p => p.Key)] : [];
    }

    private static string TypeNames(JsonNode? type, bool json)
    {
        string One(string? t) => t switch
        {
            "object" => json ? "an object" : "a mapping",
            "array" => json ? "an array" : "a list",
            "string" => "a text",
            "integer" => "a whole number",
            "number" => "a number",
            "boolean" => "true or false",
            "null" => "null",
            _ => t ?? "another type",
        };

        return type is JsonArray many ? string.Join(" or ", many.Select(t => One(t?.ToString()))) : One(type?.ToString());
    }

    /// <summary>The allowed name closest to a misspelt one, if it is close enough to be a typo.</summary>
    internal static string? Suggest(string name, IReadOnlyList<string> allowed)
    {
        var best = allowed.Select(a => (Name: a, Distance: Distance(name.ToLowerInvariant(), a))).OrderBy(p => p.Distance).FirstOrDefault();
        return best.Name is not null && best.Distance <= Math.Max(1, name.Length / 3) ? best.Name : null;
    }

    // Edit distance counting a swap of neighbours as one edit ("stpes" -> "steps"); too small to justify a package.
    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }

    [GeneratedRegex("should be \"(\\w+)\"", RegexOptions.CultureInvariant)]
    private static partial Regex ExpectedType();
}
