using System.Text.Json.Serialization;

namespace Frugal.Routing;

/// <summary>Source-generated JSON for router files and evaluation output (snake_case, like the CLI's JSON).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals, AllowDuplicateProperties = false)]
[JsonSerializable(typeof(RouterDocument))]
[JsonSerializable(typeof(RouterCard))]
[JsonSerializable(typeof(RouterEvaluation))]
public sealed partial class RoutingJsonContext : JsonSerializerContext;
