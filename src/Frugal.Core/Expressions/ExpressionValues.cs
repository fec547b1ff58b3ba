using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Frugal.Expressions;

/// <summary>Conversions and comparisons shared by the evaluator and the functions.</summary>
internal static class ExpressionValues
{
    // 2^63, exactly: the first whole double past long.MaxValue.
    private const double TwoTo63 = 9_223_372_036_854_775_808.0;

    public static bool IsTruthy(JsonNode? value) => value switch
    {
        null => false,
        JsonArray array => array.Count > 0,
        JsonObject => true,
        JsonValue v when v.GetValueKind() == JsonValueKind.False => false,
        JsonValue v when v.GetValueKind() == JsonValueKind.True => true,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>().Length > 0,
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => AsNumber(v) != 0,
        _ => true,
    };

    public static bool TryNumber(JsonNode? value, out double number)
    {
        number = 0;
        if (value is JsonValue v && v.GetValueKind() == JsonValueKind.Number)
        {
            number = AsNumber(v);
            return true;
        }

        return false;
    }

    public static double AsNumber(JsonValue value) =>
        value.TryGetValue<double>(out var d) ? d
        : value.TryGetValue<int>(out var i) ? i
        : value.TryGetValue<long>(out var l) ? l
        : value.TryGetValue<decimal>(out var m) ? (double)m
        : double.Parse(value.ToJsonString(), CultureInfo.InvariantCulture);

    public static string? AsString(JsonNode? value) => value switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        _ => JsonText.Write(value),
    };

    /// <summary>A value as JSON text for a prompt or a template: quotes, symbols, letters and emoji as themselves.</summary>
    public static string ToText(JsonNode? value) => JsonText.Write(value);

    /// <summary>Renders a value into template text: strings as they are, null as nothing, the rest as JSON.</summary>
    public static string Render(JsonNode? value) => AsString(value) ?? string.Empty;

    /// <summary>
    /// A number as a node: a whole number in the range of <see cref="long"/> as an integer, so that it is written with its
    /// digits. Below 1e15 only, a sum such as input.cents + 0 of 2e17 was written in the double's shortest form, 2E+17,
    /// in a template's text and a prompt.
    /// </summary>
    public static JsonNode? Number(double value) =>
        value == Math.Floor(value) && Math.Abs(value) < TwoTo63 ? JsonValue.Create((long)value) : JsonValue.Create(value);

    /// <summary>The result of arithmetic at <paramref name="offset"/>; one past the range of numbers is an error there.</summary>
    /// <exception cref="ExpressionException">The result is infinite or not a number: JSON cannot hold it, and the step
    /// failed on .NET's message when its request was written.</exception>
    public static JsonNode? Number(double value, int offset) => double.IsFinite(value)
        ? Number(value)
        : throw new ExpressionException("the result is beyond the range of numbers (64-bit floating point, about ±1.8e308)", offset);

    public static bool DeepEquals(JsonNode? left, JsonNode? right)
    {
        if (TryNumber(left, out var a) && TryNumber(right, out var b))
        {
            return a == b;
        }

        return JsonNode.DeepEquals(left, right);
    }

    public static int Compare(JsonNode? left, JsonNode? right, int offset)
    {
        if (TryNumber(left, out var a) && TryNumber(right, out var b))
        {
            return a.CompareTo(b);
        }

        if (left is JsonValue l && l.GetValueKind() == JsonValueKind.String
            && right is JsonValue r && r.GetValueKind() == JsonValueKind.String)
        {
            return string.CompareOrdinal(l.GetValue<string>(), r.GetValue<string>());
        }

        throw new ExpressionException(
            $"cannot order {Describe(left)} and {Describe(right)}; '<' and '>' compare two numbers or two strings", offset);
    }

    public static string Describe(JsonNode? value) => value switch
    {
        null => "null",
        JsonArray => "a list",
        JsonObject => "an object",
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => "a string",
            JsonValueKind.Number => "a number",
            JsonValueKind.True or JsonValueKind.False => "a boolean",
            _ => "a value",
        },
        _ => "a value",
    };
}
