using System.Text.Json;
using System.Text.Json.Serialization;

namespace Frugal.Engine;

/// <summary>
/// A <see cref="StepResponse"/> as the orchestrator receives it: its JSON, read only when something needs it.
/// </summary>
/// <remarks>
/// The orchestrator replays from the start on every new event, and the SDK deserialises every earlier activity
/// result on each replay: in a ten-step chain each response is read 5.5 times on average. Most replayed results are
/// never looked at (the next call reads only the steps it refers to), so they stay text. With
/// <see cref="FrugalDataConverter"/> nothing is parsed on arrival; any other System.Text.Json-based converter (the
/// Functions worker's) goes through <see cref="Converter"/>, which copies the JSON out.
/// </remarks>
[JsonConverter(typeof(Converter))]
public sealed class StepResponseJson
{
    private StepResponse? _value;
    private bool? _hasFailures;

    /// <summary>Wraps a response's JSON.</summary>
    /// <param name="json">The JSON the activity's result was serialised to.</param>
    public StepResponseJson(string json)
    {
        Json = json ?? throw new ArgumentNullException(nameof(json));
    }

    /// <summary>The JSON.</summary>
    public string Json { get; }

    /// <summary>
    /// Whether some calls of the batch failed (<see cref="StepResponse.Failed"/>), told from the first property alone,
    /// so a replay that only needs to know does not parse the results.
    /// </summary>
    public bool HasFailures => _hasFailures ??= FirstPropertyIsFailedList(Json);

    /// <summary>The response, parsed on first use.</summary>
    /// <exception cref="JsonException">The JSON is not a step response.</exception>
    public StepResponse Value => _value ??= JsonSerializer.Deserialize<StepResponse>(Json, FrugalDataConverter.SerializerOptions)
        ?? throw new JsonException("the ExecuteStep activity returned null");

    /// <summary>
    /// Whether the JSON starts <c>{"failed":[</c> (any case, any whitespace). A scan of the first characters rather
    /// than a JSON reader: every replay asks this of every earlier result, and it should cost nothing.
    /// </summary>
    private static bool FirstPropertyIsFailedList(string json)
    {
        var text = json.AsSpan();
        return Expect(ref text, '{') && Expect(ref text, '"')
            && text.StartsWith("failed\"", StringComparison.OrdinalIgnoreCase) && Skip(ref text, "failed\"".Length)
            && Expect(ref text, ':') && Expect(ref text, '[');

        static bool Expect(ref ReadOnlySpan<char> text, char expected)
        {
            text = text.TrimStart();
            return !text.IsEmpty && text[0] == expected && Skip(ref text, 1);
        }

        static bool Skip(ref ReadOnlySpan<char> text, int count)
        {
            text = text[count..];
            return true;
        }
    }

    /// <summary>Reads and writes the wrapped JSON unchanged.</summary>
    public sealed class Converter : JsonConverter<StepResponseJson>
    {
        /// <inheritdoc />
        public override StepResponseJson Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            using var document = JsonDocument.ParseValue(ref reader);
            return new StepResponseJson(document.RootElement.GetRawText());
        }

        /// <inheritdoc />
        public override void Write(Utf8JsonWriter writer, StepResponseJson value, JsonSerializerOptions options)
        {
            ArgumentNullException.ThrowIfNull(writer);
            ArgumentNullException.ThrowIfNull(value);
            writer.WriteRawValue(value.Json);
        }
    }
}
