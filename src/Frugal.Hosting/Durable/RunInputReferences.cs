using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using DurableTask.Core;

namespace Frugal.Hosting.Durable;

/// <summary>
/// The run inputs and large step results of the embedded backend's runs in flight, so that a replay carries references
/// instead of them. The whole history goes to the worker on every replay, the run input first: a batch of 1,000 documents of
/// 19 KB each crossed the sidecar, was decoded and parsed again on each of its 125 batch completions, and
/// `frugal run` peaked at 3.5 GB for it; and every run's input carries its workflow's YAML (about 1.3 KB for ten
/// steps), which a ten-step chain sent and parsed again on each of its eleven episodes. The sidecar and the worker
/// share this process, so the sidecar keeps the input here, sends a reference, and the worker's converter
/// (<see cref="RunInputReferenceConverter"/>) reads it back and parses it once per run. Step results go the same way:
/// a foreach of 400 items whose body repeated a 1 MB input text (each result 1 MB) sent every result again on each
/// episode, up to 400 MB a replay, and `frugal run` peaked at 12.3 GB over 97 s for a run whose output is 400 MB. A held
/// result is the string the backend's history already keeps, so holding it costs no memory. Entries go when their
/// run completes; the embedded backend keeps nothing past the process either.
/// </summary>
/// <remarks>
/// Hand-written because the SDK's own large-payload support (durabletask-dotnet's AzureBlobPayloads extension) stores
/// payloads in Azure Blob Storage, which the embedded backend must run without, and is not published for the SDK
/// version used here.
/// </remarks>
internal sealed class RunInputReferences
{
    /// <summary>Inputs of at least this many characters travel as references.</summary>
    public const int Threshold = 256;

    // Not JSON (a serialised input never starts with '@'), so a reference cannot be mistaken for an input.
    private const string Prefix = "@frugal-run-input:";

    // Likewise never the start of a serialised step result.
    private const string ResultPrefix = "@frugal-step-result:";

    private readonly ConcurrentDictionary<string, Entry> _inputs = new(StringComparer.Ordinal);

    // By run, then by the id of the call the result answers.
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<int, string>> _results = new(StringComparer.Ordinal);

    /// <summary>How many inputs are held (runs in flight with a large input).</summary>
    public int Count => _inputs.Count;

    /// <summary>How many step results are held, over all runs in flight.</summary>
    public int ResultCount => _results.Values.Sum(r => r.Count);

    /// <summary>The reference to send for <paramref name="instance"/>'s input, holding the input until <see cref="Forget"/>.</summary>
    public string Reference(OrchestrationInstance instance, string input)
    {
        var key = Key(instance);
        _inputs.GetOrAdd(key, static (_, text) => new Entry(text), input);
        return Prefix + key;
    }

    /// <summary>The input <paramref name="data"/> refers to, when it is a reference.</summary>
    /// <exception cref="InvalidOperationException">A reference to an input no longer held (cannot happen while its run is in flight).</exception>
    public bool TryResolve(string? data, [NotNullWhen(true)] out Entry? entry)
    {
        entry = null;
        if (data is null || !data.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        entry = _inputs.TryGetValue(data[Prefix.Length..], out var found)
            ? found
            : throw new InvalidOperationException($"the run input {data} is no longer held in this process");
        return true;
    }

    /// <summary>
    /// The reference to send for the result of <paramref name="instance"/>'s call <paramref name="taskScheduledId"/>,
    /// holding the result until <see cref="Forget"/>.
    /// </summary>
    public string ResultReference(OrchestrationInstance instance, int taskScheduledId, string result)
    {
        var key = Key(instance);
        _results.GetOrAdd(key, static _ => new ConcurrentDictionary<int, string>())[taskScheduledId] = result;
        return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{ResultPrefix}{taskScheduledId}:{key}");
    }

    /// <summary>The step result <paramref name="data"/> refers to, when it is a reference to one.</summary>
    /// <exception cref="InvalidOperationException">A reference to a result no longer held (cannot happen while its run is in flight).</exception>
    public bool TryResolveResult(string? data, [NotNullWhen(true)] out string? result)
    {
        result = null;
        if (data is null || !data.StartsWith(ResultPrefix, StringComparison.Ordinal))
        {
            return false;
        }

        var rest = data.AsSpan(ResultPrefix.Length);
        var colon = rest.IndexOf(':');
        result = colon > 0 && int.TryParse(rest[..colon], System.Globalization.CultureInfo.InvariantCulture, out var taskId)
            && _results.TryGetValue(rest[(colon + 1)..].ToString(), out var results) && results.TryGetValue(taskId, out var found)
                ? found
                : throw new InvalidOperationException($"the step result {data} is no longer held in this process");
        return true;
    }

    /// <summary><paramref name="data"/>, or the input it refers to.</summary>
    public string? Restore(string? data) => TryResolve(data, out var entry) ? entry.Input : data;

    /// <summary>Drops <paramref name="instance"/>'s input and step results (its run has completed).</summary>
    public void Forget(OrchestrationInstance instance)
    {
        var key = Key(instance);
        _inputs.TryRemove(key, out _);
        _results.TryRemove(key, out _);
    }

    private static string Key(OrchestrationInstance instance) => instance.InstanceId + ":" + instance.ExecutionId;

    /// <summary>A held input, and what the worker parsed it to.</summary>
    internal sealed class Entry(string input)
    {
        /// <summary>The input as the backend stores it.</summary>
        public string Input { get; } = input;

        /// <summary>The orchestrator's input, parsed once (it never changes it: the run's scope takes a copy).</summary>
        public object? Parsed { get; set; }
    }
}
