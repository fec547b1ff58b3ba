using System.Collections.Concurrent;
using Frugal.Workflows;

namespace Frugal.Engine;

/// <summary>
/// Parsed definitions keyed by the hash of their source. Content-addressed, so caching cannot change what a
/// replay sees: the same hash always parses to the same definition.
/// </summary>
internal static class DefinitionCache
{
    private static readonly ConcurrentDictionary<string, WorkflowDefinition> Cache = new(StringComparer.Ordinal);

    /// <summary>The source of an already parsed definition with this hash, if there is one.</summary>
    public static bool TryGetSource(string hash, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? source)
    {
        source = Cache.TryGetValue(hash, out var definition) ? definition.Source : null;
        return source is not null;
    }

    public static WorkflowDefinition Get(WorkflowRunRequest request) =>
        Cache.GetOrAdd(request.Hash, static (_, r) =>
        {
            var definition = WorkflowLoader.Parse(r.Source, r.File);
            return definition.Hash == r.Hash
                ? definition
                : throw new InvalidOperationException(
                    $"run input for '{r.Workflow}' carries hash {r.Hash} but its source hashes to {definition.Hash}");
        }, request);
}
