using Frugal.Engine;
using Microsoft.DurableTask;

namespace Frugal.Hosting.Durable;

/// <summary>
/// The local host's data converter: <paramref name="inner"/>, except that a run's output of
/// <see cref="RunOutputReferences.Threshold"/> characters or more is held in this process and sent as a reference.
/// </summary>
internal sealed class RunOutputReferenceConverter(DataConverter inner, RunOutputReferences outputs) : DataConverter
{
    public override string? Serialize(object? value)
    {
        var json = inner.Serialize(value);
        return value is WorkflowRunResult && json is { Length: >= RunOutputReferences.Threshold } ? outputs.Hold(json) : json;
    }

    public override object? Deserialize(string? data, Type targetType) => inner.Deserialize(data, targetType);
}
