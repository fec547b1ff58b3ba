using System.Text.Json.Serialization;

namespace Frugal.Engine;

/// <summary>The output of the <c>ExecuteStep</c> activity: one result per call, in order.</summary>
/// <param name="Results">The results.</param>
public sealed record StepResponse(IReadOnlyList<CallResult> Results)
{
    /// <summary>
    /// The positions of the calls that failed when others of the same batch were answered (their results carry a
    /// <see cref="CallResult.Failure"/>); null when every call was answered. The answered calls are kept, and paid
    /// for once: a retry sends only these. Written first, so <see cref="StepResponseJson.HasFailures"/> can tell
    /// without reading the results.
    /// </summary>
    [JsonPropertyOrder(-1)]
    public IReadOnlyList<int>? Failed { get; init; }
}
