using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Frugal.Emulator.Chat;

/// <summary>The strings of a generated instance: those a pattern asks for, and strings told apart for uniqueItems.</summary>
internal static partial class JsonSchemaInstanceGenerator
{
    private sealed partial class Context
    {
        /// <summary>
        /// A string of <paramref name="min"/> to <paramref name="max"/> characters that <paramref name="pattern"/> (ECMA
        /// syntax, unanchored, as JSON Schema reads it) matches, or null when none was found. Fare generates strings from
        /// a regular expression in dk.brics syntax, which has no anchors or class escapes, so those are rewritten first;
        /// every candidate is checked with .NET's own regex, so a pattern Fare reads differently only finds no string.
        /// </summary>
        private string? Matching(string pattern, int min, int max, string path)
        {
            Regex regex;
            Fare.Xeger generator;
            try
            {
                regex = new Regex(pattern, RegexOptions.ECMAScript, TimeSpan.FromSeconds(1));
                generator = new Fare.Xeger(BricsSyntax(pattern), new Random(unchecked((int)DeterministicRandom.Hash(_seed, path))));
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or FormatException or NotSupportedException)
            {
                return null;
            }

            for (var attempt = 0; attempt < 20; attempt++)
            {
                string candidate;
                try
                {
                    candidate = generator.Generate();
                }
                catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or IndexOutOfRangeException)
                {
                    return null;
                }

                if (candidate.Length >= min && candidate.Length <= max && regex.IsMatch(candidate))
                {
                    return candidate;
                }
            }

            return null;
        }

        private static string BricsSyntax(string pattern)
        {
            var text = pattern;
            if (text.StartsWith('^'))
            {
                text = text[1..];
            }

            if (text.EndsWith('$') && !text.EndsWith("\\$", StringComparison.Ordinal))
            {
                text = text[..^1];
            }

            return text.Replace("\\d", "[0-9]", StringComparison.Ordinal)
                .Replace("\\w", "[A-Za-z0-9_]", StringComparison.Ordinal)
                .Replace("\\s", "[ ]", StringComparison.Ordinal);
        }

        /// <summary>
        /// <paramref name="item"/> told apart by a number: a free string (no format, pattern, enum or const) gets
        /// " n" within its maxLength; an object gets it in its first such string property. Anything else as it is.
        /// </summary>
        private static JsonNode? Numbered(JsonNode? item, JsonObject? schema, int n)
        {
            if (item is JsonValue v && v.TryGetValue<string>(out var text) && IsFreeString(schema))
            {
                var suffix = string.Create(CultureInfo.InvariantCulture, $" {n}");
                var limit = schema is null ? DefaultMaxStringLength : ReadInt(schema, "maxLength") ?? DefaultMaxStringLength;
                return limit < suffix.Length ? item : JsonValue.Create(text[..Math.Min(text.Length, limit - suffix.Length)] + suffix);
            }

            if (item is JsonObject obj && schema?["properties"] is JsonObject properties)
            {
                foreach (var (name, value) in obj.ToList())
                {
                    if (value is JsonValue && properties[name] is JsonObject propertySchema && IsFreeString(propertySchema))
                    {
                        var copy = (JsonObject)obj.DeepClone();
                        copy[name] = Numbered(value.DeepClone(), propertySchema, n);
                        return copy;
                    }
                }
            }

            return item;
        }

        private static bool IsFreeString(JsonObject? schema) =>
            schema is null || !(schema.ContainsKey("format") || schema.ContainsKey("pattern") || schema.ContainsKey("enum") || schema.ContainsKey("const"));
    }
}
