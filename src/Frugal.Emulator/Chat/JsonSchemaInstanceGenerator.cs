using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Frugal.Emulator.Chat;

/// <summary>
/// Builds a deterministic JSON instance that validates against a JSON schema of the kind used for structured
/// outputs (objects, arrays, enums, bounded numbers and strings, <c>$ref</c>, <c>anyOf</c>/<c>oneOf</c>/<c>allOf</c>).
/// Hand-written: the .NET schema libraries served to this project validate but do not generate instances.
/// A string's <c>pattern</c> is honoured where Fare can run it backwards (character classes, repetition, alternation).
/// Like a real model, it also reads constraints that a client moved into <c>description</c> lines such as
/// <c>maximum: 5</c> (Microsoft.Extensions.AI does so for OpenAI strict mode, which refuses those keywords).
/// </summary>
internal static partial class JsonSchemaInstanceGenerator
{
    // Past SoftDepth only required properties and minItems items are generated, so recursive schemas end;
    // HardDepth stops a $ref cycle that requires itself.
    private const int SoftDepth = 6;
    private const int HardDepth = 32;
    private const int DefaultMaxStringLength = 120;

    public static JsonNode Generate(JsonNode schema, PromptDigest digest) =>
        new Context(schema, digest).Generate(schema, "$", 0) ?? new JsonObject();

    private sealed partial class Context(JsonNode root, PromptDigest digest)
    {
        private readonly string _seed = digest.Seed.ToString(CultureInfo.InvariantCulture);

        public JsonNode? Generate(JsonNode? schema, string path, int depth)
        {
            if (schema is JsonValue boolean && boolean.GetValueKind() is JsonValueKind.True or JsonValueKind.False)
            {
                return boolean.GetValue<bool>() ? JsonValue.Create(digest.FirstSentence) : null;
            }

            if (schema is not JsonObject s)
            {
                return JsonValue.Create(digest.FirstSentence);
            }

            if (Text(s["$ref"]) is { } reference && depth < HardDepth)
            {
                return Generate(Resolve(reference), path, depth + 1);
            }

            if (s.TryGetPropertyValue("const", out var constant))
            {
                return constant?.DeepClone();
            }

            if (s["enum"] is JsonArray values && values.Count > 0)
            {
                return values[Pick(path, values.Count)]?.DeepClone();
            }

            if ((s["anyOf"] ?? s["oneOf"]) is JsonArray branches && branches.Count > 0)
            {
                // Prefer a branch that is not plain null: an answer with content is the useful one.
                var branch = branches.FirstOrDefault(b => !IsNullOnly(b)) ?? branches[0];
                return Generate(branch, path, depth + 1);
            }

            if (s["allOf"] is JsonArray parts && parts.Count > 0)
            {
                return Generate(Merge(s, parts), path, depth + 1);
            }

            return TypeOf(s) switch
            {
                "object" => GenerateObject(s, path, depth),
                "array" => GenerateArray(s, path, depth),
                "integer" => GenerateNumber(s, path, integer: true),
                "number" => GenerateNumber(s, path, integer: false),
                "boolean" => JsonValue.Create(Pick(path, 2) == 0),
                "null" => null,
                _ => GenerateString(s, path),
            };
        }

        private JsonObject GenerateObject(JsonObject schema, string path, int depth)
        {
            var result = new JsonObject();
            var required = schema["required"] is JsonArray names
                ? names.Select(Text).OfType<string>().ToHashSet(StringComparer.Ordinal)
                : [];
            if (schema["properties"] is JsonObject properties)
            {
                foreach (var (name, propertySchema) in properties)
                {
                    // Deep in a recursive schema only what is required is generated, so recursion ends.
                    if (depth >= SoftDepth && !required.Contains(name))
                    {
                        continue;
                    }

                    result[name] = Generate(propertySchema, $"{path}.{name}", depth + 1);
                }
            }

            foreach (var name in required.Where(n => !result.ContainsKey(n)))
            {
                result[name] = JsonValue.Create(digest.FirstSentence);
            }

            // Properties past those named, to reach minProperties: keys a patternProperties pattern matches, else
            // plain ones, with values of that pattern's or additionalProperties' schema.
            var minProperties = ReadInt(schema, "minProperties") ?? 0;
            var patterns = schema["patternProperties"] as JsonObject;
            var extra = schema["additionalProperties"];
            for (var n = 1; result.Count < minProperties && n <= minProperties + 8; n++)
            {
                (string? pattern, JsonNode? valueSchema) = patterns is { Count: > 0 } ? (patterns.First().Key, patterns.First().Value) : (null, extra);
                var key = pattern is not null ? Matching(pattern, 1, 64, $"{path}#key{n}") : null;
                key ??= string.Create(CultureInfo.InvariantCulture, $"property{n}");
                if (!result.ContainsKey(key))
                {
                    result[key] = Generate(valueSchema is JsonObject ? valueSchema : new JsonObject(), $"{path}.{key}", depth + 1);
                }
            }

            return result;
        }

        private JsonArray GenerateArray(JsonObject schema, string path, int depth)
        {
            var min = ReadInt(schema, "minItems") ?? 0;
            var max = ReadInt(schema, "maxItems") ?? int.MaxValue;
            var contains = schema["contains"];
            var count = Math.Min(Math.Max(depth >= SoftDepth && contains is null ? 0 : 1, min), max);
            var prefix = schema["prefixItems"] as JsonArray;
            var unique = schema["uniqueItems"] is JsonValue u && u.GetValueKind() == JsonValueKind.True;
            var result = new JsonArray();
            for (var i = 0; i < count; i++)
            {
                // An item that 'contains' asks for comes first (unless prefixItems fixes the first ones).
                // An item that 'contains' asks for is also an item of 'items': both schemas hold for it.
                var itemSchema = prefix is not null && i < prefix.Count ? prefix[i]
                    : i == 0 && contains is JsonObject wanted ? (schema["items"] is JsonObject all ? Merge(wanted, [all.DeepClone()]) : wanted)
                    : schema["items"];
                var item = Generate(itemSchema ?? new JsonObject(), $"{path}[{i}]", depth + 1);
                for (var variant = 1; unique && variant <= 8 && result.Any(earlier => JsonNode.DeepEquals(earlier, item)); variant++)
                {
                    item = Generate(itemSchema ?? new JsonObject(), $"{path}[{i}]~{variant}", depth + 1);
                    if (variant == 8)
                    {
                        // Strings do not vary with their path (they are the prompt's first sentence): number one.
                        item = Numbered(item, itemSchema as JsonObject, i + 1);
                    }
                }

                result.Add(item);
            }

            return result;
        }

        private JsonValue GenerateNumber(JsonObject schema, string path, bool integer)
        {
            var minimum = ReadDouble(schema, "minimum");
            var maximum = ReadDouble(schema, "maximum");
            var exclusiveMinimum = ReadDouble(schema, "exclusiveMinimum");
            var exclusiveMaximum = ReadDouble(schema, "exclusiveMaximum");
            var multipleOf = ReadDouble(schema, "multipleOf");

            var low = Max(minimum, exclusiveMinimum);
            var high = Min(maximum, exclusiveMaximum);
            var lowValue = low ?? (high is { } h ? Math.Min(0, h - 100) : 0);
            var highValue = high ?? lowValue + 100;

            bool Inside(double v) =>
                (minimum is null || v >= minimum) && (maximum is null || v <= maximum)
                && (exclusiveMinimum is null || v > exclusiveMinimum) && (exclusiveMaximum is null || v < exclusiveMaximum);

            var step = multipleOf ?? (integer ? 1 : 0);
            if (step > 0)
            {
                var first = Math.Ceiling(lowValue / step);
                var last = Math.Floor(highValue / step);
                if (!Inside(first * step))
                {
                    first++;
                }

                if (!Inside(last * step))
                {
                    last--;
                }

                var chosen = last >= first ? first + Pick(path, (int)Math.Min(last - first + 1, int.MaxValue)) : first;
                var value = chosen * step;
                return integer || step % 1 == 0 ? JsonValue.Create((long)Math.Round(value)) : JsonValue.Create(value);
            }

            var fraction = 0.1 + (Pick(path, 81) / 100.0);
            var candidate = Math.Round(lowValue + (fraction * (highValue - lowValue)), 2);
            return JsonValue.Create(Inside(candidate) ? candidate : (lowValue + highValue) / 2);
        }

        private JsonValue GenerateString(JsonObject schema, string path)
        {
            var min = ReadInt(schema, "minLength") ?? 0;
            var max = ReadInt(schema, "maxLength") ?? DefaultMaxStringLength;

            // A pattern is a constraint, a format partly an annotation: a string that matches the pattern comes first.
            if (Text(schema["pattern"]) is { } pattern && Matching(pattern, min, max, path) is { } matching)
            {
                return JsonValue.Create(matching);
            }

            var format = Text(schema["format"]) ?? Hint(schema, "format");
            var formatted = format switch
            {
                "date-time" => "2025-01-01T00:00:00Z",
                "date" => "2025-01-01",
                "time" => "00:00:00Z",
                "email" => "user@example.com",
                "uri" or "url" => "https://example.com/",
                "uuid" => new Guid(DeterministicRandom.Hash(_seed, path).ToString("x16", CultureInfo.InvariantCulture) + "0000000000000000").ToString(),
                _ => null,
            };
            if (formatted is not null)
            {
                return JsonValue.Create(formatted);
            }

            var text = max < 20 && digest.Keywords.Count > 0
                ? digest.Keywords[Pick(path, digest.Keywords.Count)]
                : digest.FirstSentence;
            if (text.Length > max)
            {
                text = text[..max];
            }

            if (text.Length < min)
            {
                text = text.PadRight(min, 'x');
            }

            return JsonValue.Create(text);
        }

        private JsonNode? Resolve(string reference)
        {
            if (!reference.StartsWith('#'))
            {
                return new JsonObject();
            }

            JsonNode? node = root;
            foreach (var segment in reference.TrimStart('#').Split('/', StringSplitOptions.RemoveEmptyEntries))
            {
                var key = Uri.UnescapeDataString(segment).Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
                node = node is JsonObject o ? o[key] : null;
            }

            return node ?? new JsonObject();
        }

        private static JsonObject Merge(JsonObject schema, JsonArray parts)
        {
            var merged = new JsonObject();
            var properties = new JsonObject();
            var required = new JsonArray();
            foreach (var part in parts.Append(schema).OfType<JsonObject>())
            {
                foreach (var (key, value) in part)
                {
                    switch (key)
                    {
                        case "allOf":
                            break;
                        case "properties" when value is JsonObject props:
                            foreach (var (name, propertySchema) in props)
                            {
                                properties[name] = propertySchema?.DeepClone();
                            }

                            break;
                        case "required" when value is JsonArray names:
                            foreach (var name in names)
                            {
                                required.Add(name?.DeepClone());
                            }

                            break;
                        default:
                            merged[key] = value?.DeepClone();
                            break;
                    }
                }
            }

            if (properties.Count > 0)
            {
                merged["properties"] = properties;
                merged["type"] ??= "object";
            }

            if (required.Count > 0)
            {
                merged["required"] = required;
            }

            return merged;
        }

        private int Pick(string path, int count) =>
            count <= 1 ? 0 : (int)(DeterministicRandom.Hash(_seed, path) % (ulong)count);

        private static string? TypeOf(JsonObject schema)
        {
            switch (schema["type"])
            {
                case JsonValue value:
                    return Text(value);
                case JsonArray types:
                    var named = types.Select(Text).OfType<string>().ToList();
                    return named.FirstOrDefault(t => t != "null") ?? named.FirstOrDefault();
                default:
                    return schema.ContainsKey("properties") ? "object" : schema.ContainsKey("items") ? "array" : null;
            }
        }

        private static bool IsNullOnly(JsonNode? schema) =>
            schema is JsonObject o && Text(o["type"]) == "null";

        /// <summary>A keyword's string value; null when it is missing or not a string (the parser refuses such schemas,
        /// and the generator never throws on one).</summary>
        private static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var text) ? text : null;

        private static int? ReadInt(JsonObject schema, string property) =>
            schema[property] is JsonValue v && v.TryGetValue<int>(out var n) ? n
            : int.TryParse(Hint(schema, property), NumberStyles.Integer, CultureInfo.InvariantCulture, out var hinted) ? hinted : null;

        private static double? ReadDouble(JsonObject schema, string property) =>
            schema[property] is JsonValue v && v.GetValueKind() == JsonValueKind.Number ? v.GetValue<double>()
            : double.TryParse(Hint(schema, property), NumberStyles.Float, CultureInfo.InvariantCulture, out var hinted) ? hinted : null;

        /// <summary>Reads a <c>keyword: value</c> line of the schema's description.</summary>
        private static string? Hint(JsonObject schema, string keyword)
        {
            if (schema["description"] is not JsonValue d || !d.TryGetValue<string>(out var description))
            {
                return null;
            }

            foreach (var line in description.Split('\n'))
            {
                var colon = line.IndexOf(':', StringComparison.Ordinal);
                if (colon > 0 && line.AsSpan(0, colon).Trim().Equals(keyword, StringComparison.Ordinal))
                {
                    return line[(colon + 1)..].Trim();
                }
            }

            return null;
        }

        private static double? Max(double? a, double? b) => a is null ? b : b is null ? a : Math.Max(a.Value, b.Value);

        private static double? Min(double? a, double? b) => a is null ? b : b is null ? a : Math.Min(a.Value, b.Value);
    }
}
