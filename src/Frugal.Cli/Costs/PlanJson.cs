using System.Text.Json;
using System.Text.Json.Serialization;

namespace Frugal.Cli.Costs;

/// <summary>JSON options of <c>frugal plan --format json</c>: camelCase, indented.</summary>
internal static class PlanJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}
