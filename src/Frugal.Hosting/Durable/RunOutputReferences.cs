using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace Frugal.Hosting.Durable;

/// <summary>
/// Large run outputs on their way from the local host's worker to its sidecar. The gRPC worker refuses to send an
/// orchestrator action over 3.9 MB, so a run whose output was larger (a batch job's every summary) failed after it had
/// paid for all of its calls. The worker and the sidecar share this process: the worker's converter
/// (<see cref="RunOutputReferenceConverter"/>) keeps such an output here and sends a reference, and the sidecar puts the
/// output back before the backend stores it (<see cref="SidecarOrchestrationService"/>), where the status and the
/// history hold the output itself (Azure Storage moves large ones to blobs, as for the Functions app).
/// </summary>
internal sealed class RunOutputReferences
{
    /// <summary>Outputs of at least this many characters travel as references: at most 768 KB of UTF-8, far under the limit.</summary>
    public const int Threshold = 256 * 1024;

    // Not JSON (a serialised output never starts with '@'), so a reference cannot be mistaken for an output.
    private const string Prefix = "@frugal-run-output:";

    private readonly ConcurrentDictionary<string, string> _outputs = new(StringComparer.Ordinal);

    /// <summary>How many outputs are held (sent, not yet stored).</summary>
    public int Count => _outputs.Count;

    /// <summary>The reference to send in place of <paramref name="output"/>, which is held until <see cref="TryTake"/>.</summary>
    public string Hold(string output)
    {
        var key = Guid.NewGuid().ToString("N");
        _outputs[key] = output;
        return Prefix + key;
    }

    /// <summary>The output <paramref name="data"/> refers to, given up by this holder, when it is a reference.</summary>
    public bool TryTake(string? data, [NotNullWhen(true)] out string? output)
    {
        output = null;
        return data is not null && data.StartsWith(Prefix, StringComparison.Ordinal) && _outputs.TryRemove(data[Prefix.Length..], out output);
    }
}
