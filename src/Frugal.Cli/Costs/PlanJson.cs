using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Frugal.Cli.Costs;

/// <summary>JSON options of <c>frugal plan --format json</c>: camelCase, indented, dollars to the nano-dollar.</summary>
internal static class PlanJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new Dollars() },
    };

    // A mean per run and a projection per month are divisions and products of decimals, written with up to 28 places
    // ("monthlyCost": 0.2566611750000000000000000396). Nine places (the nano-dollar, as the cost report's CSV writes
    // dollars) keep a per-run cost of a few cheap tokens as exact as the cost records it comes from, where the table's
    // six would round it; every decimal in a plan is dollars.
    private sealed class Dollars : JsonConverter<decimal>
    {
        public override decimal Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetDecimal();

        public override void Write(Utf8JsonWriter writer, decimal value, JsonSerializerOptions options) =>
            writer.WriteRawValue(Math.Round(value, 9).ToString("0.#########", CultureInfo.InvariantCulture), skipInputValidation: true);
    }
}
