using DurableTask.Core;
using DurableTask.Core.History;

namespace Frugal.Hosting.Durable;

/// <summary>
/// What the embedded host sends a worker to replay: the whole history goes on every replay, but nothing in the worker
/// reads a replayed call's input (Durable Task matches it by name and order), so the work item carries copies of the
/// scheduled-activity events without them; the stored history keeps the originals. Large results of earlier calls, which
/// the orchestrator does read, go as references to them in this process (<see cref="RunInputReferences"/>).
/// </summary>
internal static class ReplayHistory
{
    /// <summary>
    /// The same history, with copies of its scheduled-activity events that carry no input and, given
    /// <paramref name="runInputs"/>, of its start event with a reference in place of a large input and of its
    /// completed-activity events with references in place of large results.
    /// </summary>
    public static OrchestrationRuntimeState WithoutScheduledInputs(OrchestrationRuntimeState state, RunInputReferences? runInputs = null)
    {
        var run = state.OrchestrationInstance;
        var events = new List<HistoryEvent>(state.Events.Count);
        foreach (var e in state.Events)
        {
            events.Add(e switch
            {
                TaskScheduledEvent { Input: not null } scheduled => new TaskScheduledEvent(scheduled.EventId)
                {
                    Name = scheduled.Name,
                    Version = scheduled.Version,
                    Tags = scheduled.Tags,
                    ParentTraceContext = scheduled.ParentTraceContext,
                    Timestamp = scheduled.Timestamp,
                    IsPlayed = scheduled.IsPlayed,
                },
                ExecutionStartedEvent { Input.Length: >= RunInputReferences.Threshold, OrchestrationInstance: { } instance } started
                    when runInputs is not null => new ExecutionStartedEvent(started.EventId, runInputs.Reference(instance, started.Input))
                    {
                        OrchestrationInstance = instance,
                        ParentInstance = started.ParentInstance,
                        Name = started.Name,
                        Version = started.Version,
                        Tags = started.Tags,
                        Correlation = started.Correlation,

                        // Shared, not copied: the dispatcher writes the run's span into it, as it would into the original.
                        ParentTraceContext = started.ParentTraceContext,
                        ScheduledStartTime = started.ScheduledStartTime,
                        Generation = started.Generation,
                        GenerateNewTrace = started.GenerateNewTrace,
                        Timestamp = started.Timestamp,
                        IsPlayed = started.IsPlayed,
                        ExtensionData = started.ExtensionData,
                    },
                TaskCompletedEvent { Result.Length: >= RunInputReferences.Threshold } completed when runInputs is not null && run is not null
                    => new TaskCompletedEvent(completed.EventId, completed.TaskScheduledId, runInputs.ResultReference(run, completed.TaskScheduledId, completed.Result))
                    {
                        Timestamp = completed.Timestamp,
                        IsPlayed = completed.IsPlayed,
                        ExtensionData = completed.ExtensionData,
                    },
                _ => e,
            });
        }

        return new OrchestrationRuntimeState(events);
    }
}
