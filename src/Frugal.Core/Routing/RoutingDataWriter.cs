using System.Globalization;
using nietras.SeparatedValues;

namespace Frugal.Routing;

/// <summary>Writes labelled routing data in the format <see cref="RoutingDataReader"/> reads (e.g. a hold-out part).</summary>
public static class RoutingDataWriter
{
    /// <summary>Writes examples to a CSV file, quoting where needed.</summary>
    /// <param name="path">The file (replaced).</param>
    /// <param name="examples">The examples.</param>
    public static void Write(string path, IEnumerable<RoutingExample> examples)
    {
        ArgumentNullException.ThrowIfNull(examples);
        using var writer = Sep.New(',').Writer(o => o with { Escape = true }).ToFile(path);
        foreach (var example in examples)
        {
            using var row = writer.NewRow();
            row["id"].Set(example.Id);
            row["source"].Set(example.Source);
            row["prompt"].Set(example.Prompt);
            row["cheap_score"].Set(example.CheapScore.ToString(CultureInfo.InvariantCulture));
            row["premium_score"].Set(example.PremiumScore.ToString(CultureInfo.InvariantCulture));
        }
    }
}
