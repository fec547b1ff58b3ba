using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Converters;

namespace Frugal.Engine;

/// <summary>
/// The Durable Task data converter for Frugal's messages: System.Text.Json with source-generated metadata for the
/// orchestration and activity records. The SDK serialises every activity input again on each replay and reads every
/// result back, so reflection-based serialisation of these records was a visible share of a step's cost.
/// </summary>
public static class FrugalDataConverter
{
    /// <summary>The options: Frugal's source-generated contract first, reflection for anything else.</summary>
    public static JsonSerializerOptions SerializerOptions { get; } = new(JsonSerializerDefaults.Web)
    {
        // Nulls, zeros and false are most of a step message; leaving them out halves what every replay moves.
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault,
        TypeInfoResolver = JsonTypeInfoResolver.Combine(JsonContext.Default, new DefaultJsonTypeInfoResolver()),
    };

    /// <summary>The converter to give both the worker and the client.</summary>
    public static DataConverter Instance { get; } = new Converter(SerializerOptions);

    /// <summary>JSON, except that a <see cref="StepResponseJson"/> takes the text as it is, unparsed.</summary>
    private sealed class Converter(JsonSerializerOptions options) : JsonDataConverter(options)
    {
        public override object? Deserialize(string? data, Type targetType) =>
            targetType == typeof(StepResponseJson) && data is not null ? new StepResponseJson(data) : base.Deserialize(data, targetType);
    }
}
