using System.IO.Hashing;
using System.Text;

namespace Frugal.Routing;

/// <summary>A deterministic train/hold-out split by a hash of each example's id: the same file always splits the same
/// way, on every machine, and adding rows does not move the old ones.</summary>
public static class RoutingSplit
{
    /// <summary>Whether an example belongs to the hold-out part.</summary>
    /// <param name="id">The example's id.</param>
    /// <param name="fraction">The share held out, 0 to 1.</param>
    /// <returns><see langword="true"/> for hold-out examples.</returns>
    public static bool IsHoldout(string id, double fraction)
    {
        ArgumentNullException.ThrowIfNull(id);
        var hash = XxHash3.HashToUInt64(Encoding.UTF8.GetBytes(id));
        return hash / (double)ulong.MaxValue < fraction;
    }

    /// <summary>Splits examples into training and hold-out parts.</summary>
    /// <param name="examples">The examples.</param>
    /// <param name="fraction">The share held out.</param>
    /// <returns>The two parts, in file order.</returns>
    public static (IReadOnlyList<RoutingExample> Train, IReadOnlyList<RoutingExample> Holdout) Split(IReadOnlyList<RoutingExample> examples, double fraction)
    {
        ArgumentNullException.ThrowIfNull(examples);
        var holdout = examples.Where(e => IsHoldout(e.Id, fraction)).ToList();
        var train = examples.Where(e => !IsHoldout(e.Id, fraction)).ToList();
        return (train, holdout);
    }
}
