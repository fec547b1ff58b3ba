using Frugal.Engine;
using Microsoft.DurableTask;

namespace Frugal.Hosting.Durable;

/// <summary>
/// The worker's data converter on the embedded backend: <paramref name="inner"/>, except that a run input that came as a
/// reference (<see cref="RunInputReferences"/>) is read from this process and parsed once per run, not on every replay,
/// and a step result that came as a reference is read from this process.
/// </summary>
internal sealed class RunInputReferenceConverter(DataConverter inner, RunInputReferences inputs) : DataConverter
{
    public override string? Serialize(object? value) => inner.Serialize(value);

    public override object? Deserialize(string? data, Type targetType)
    {
        if (inputs.TryResolveResult(data, out var result))
        {
            return inner.Deserialize(result, targetType);
        }

        if (!inputs.TryResolve(data, out var entry))
        {
            return inner.Deserialize(data, targetType);
        }

        if (targetType != typeof(WorkflowRunRequest))
        {
            return inner.Deserialize(entry.Input, targetType);
        }

        // One run's work items never run at once, so two parses of one input at worst, never a wrong one.
        return entry.Parsed ??= inner.Deserialize(entry.Input, targetType);
    }
}
