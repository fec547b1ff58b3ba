using System.Text.Json.Serialization;
using Frugal.Costs.Reports;

namespace Frugal.Costs;

/// <summary>Source-generated JSON for cost records and reports (camelCase, enums as strings).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CostRecord))]
[JsonSerializable(typeof(IReadOnlyList<CostRecord>))]
[JsonSerializable(typeof(CostReportResult))]
public sealed partial class CostJsonContext : JsonSerializerContext;
