using System.Collections.Concurrent;
using DurableTask.Core;
using DurableTask.Core.History;

namespace Frugal.Hosting.Durable;

/// <summary>
/// The orchestration service the local host's sidecar sees: the backend, with two things changed.
/// It passes every call to the inner service but bounds the work items in flight itself, waiting for a
/// free slot rather than polling for one. The sidecar's dispatchers poll: whenever the count they read from
/// <c>MaxConcurrent...WorkItems</c> is reached, they sleep 500 ms before looking again. The in-memory service reports
/// <c>Environment.ProcessorCount</c> (2 here), which made a fan-out of ten activities take seconds, and even with a
/// limit of 1,000 a burst of 2,000 activities (20 runs of a 100-item foreach) stalled for 500 ms at a time: a third
/// to a sixth of the rate. So the dispatchers are told there is no limit, and a slot is taken here before each work
/// item is locked and given back when the work item is done, which wakes a waiting dispatcher at once.
/// </summary>
/// <remarks>
/// With <c>trimReplayedInputs</c> (the in-memory backend), a work item's history reaches the worker without the
/// inputs of activities it scheduled before. The whole history goes to the worker on every replay, and those inputs
/// (each step's request) were about 40% of the bytes a ten-step chain's replays moved, but nothing reads them
/// there: Durable Task matches a replayed call by name and order, and an activity gets its input from its own
/// message. The stored history keeps them; the work item carries trimmed copies. Given <c>runInputs</c>, a large run
/// input goes the same way: the worker gets a reference to it in this process (<see cref="RunInputReferences"/>).
/// Given <c>runOutputs</c> (either backend), a run's output the worker sent as a reference is put back before the
/// backend stores it (<see cref="RunOutputReferences"/>).
/// </remarks>
internal sealed class SidecarOrchestrationService : IOrchestrationService, IDisposable
{
    private readonly IOrchestrationService _inner;
    private readonly SemaphoreSlim _orchestrationSlots;
    private readonly SemaphoreSlim _activitySlots;
    private readonly bool _trimReplayedInputs;
    private readonly RunInputReferences? _runInputs;
    private readonly RunOutputReferences? _runOutputs;

    // A work item gives its slot back once, however many of complete, abandon and release it sees.
    private readonly ConcurrentDictionary<TaskOrchestrationWorkItem, byte> _orchestrations = new(ReferenceEqualityComparer.Instance);
    private readonly ConcurrentDictionary<TaskActivityWorkItem, byte> _activities = new(ReferenceEqualityComparer.Instance);

    // Whether the backend was started (and its start task) or stopped; see StartAsync.
    private readonly Lock _lifecycle = new();
    private Task? _started;
    private bool _stopped;

    // Set by DrainActivitiesAsync: no activity work item is handed out any more, then no orchestration work item.
    private volatile bool _draining;
    private volatile bool _drainingOrchestrations;

    // While draining: the results of activities completed that no orchestration work item has taken yet (instance, task id).
    private readonly ConcurrentDictionary<(string Instance, int TaskId), byte> _undeliveredResults = new();

    public SidecarOrchestrationService(
        IOrchestrationService inner,
        int maxOrchestrations,
        int maxActivities,
        bool trimReplayedInputs = false,
        RunInputReferences? runInputs = null,
        RunOutputReferences? runOutputs = null)
    {
        _inner = inner;
        _runOutputs = runOutputs;
        _trimReplayedInputs = trimReplayedInputs;
        _runInputs = trimReplayedInputs ? runInputs : null;
        _orchestrationSlots = new SemaphoreSlim(maxOrchestrations, maxOrchestrations);
        _activitySlots = new SemaphoreSlim(maxActivities, maxActivities);
    }

    /// <summary>What the dispatchers read: never reached, so they never sleep (the slots here do the limiting).</summary>
    public int MaxConcurrentTaskOrchestrationWorkItems => int.MaxValue;

    /// <inheritdoc cref="MaxConcurrentTaskOrchestrationWorkItems" />
    public int MaxConcurrentTaskActivityWorkItems => int.MaxValue;

    public int TaskOrchestrationDispatcherCount => _inner.TaskOrchestrationDispatcherCount;

    public int TaskActivityDispatcherCount => _inner.TaskActivityDispatcherCount;

    public BehaviorOnContinueAsNew EventBehaviourForContinueAsNew => _inner.EventBehaviourForContinueAsNew;

    // The sidecar starts the backend from a fire-and-forget callback once it is listening, so a host disposed at once
    // (a `frugal run` refused by its budget, Ctrl+C during start-up) could stop a backend that had not started, which
    // Azure Storage answers with a NullReferenceException. Stopping waits for a start in flight, skips the backend
    // when none was made, and keeps one that comes later from starting (it would hold its leases with no host).
    public Task StartAsync()
    {
        lock (_lifecycle)
        {
            return _stopped ? Task.CompletedTask : _started = _inner.StartAsync();
        }
    }

    public Task StopAsync() => StopAsync(isForced: false);

    public async Task StopAsync(bool isForced)
    {
        Task? started;
        lock (_lifecycle)
        {
            _stopped = true;
            started = _started;
        }

        if (started is null)
        {
            return;
        }

        try
        {
            await started.ConfigureAwait(false);
        }
        catch (Exception) when (!started.IsCompletedSuccessfully)
        {
            // A backend that failed to start has nothing running to stop; the start's own caller saw the failure.
            return;
        }

        await _inner.StopAsync(isForced).ConfigureAwait(false);
    }

    public Task CreateAsync() => _inner.CreateAsync();

    public Task CreateAsync(bool recreateInstanceStore) => _inner.CreateAsync(recreateInstanceStore);

    public Task CreateIfNotExistsAsync() => _inner.CreateIfNotExistsAsync();

    public Task DeleteAsync() => _inner.DeleteAsync();

    public Task DeleteAsync(bool deleteInstanceStore) => _inner.DeleteAsync(deleteInstanceStore);

    public bool IsMaxMessageCountExceeded(int currentMessageCount, OrchestrationRuntimeState runtimeState) =>
        _inner.IsMaxMessageCountExceeded(currentMessageCount, runtimeState);

    public int GetDelayInSecondsAfterOnProcessException(Exception exception) =>
        _inner.GetDelayInSecondsAfterOnProcessException(exception);

    public int GetDelayInSecondsAfterOnFetchException(Exception exception) =>
        _inner.GetDelayInSecondsAfterOnFetchException(exception);

    public async Task<TaskOrchestrationWorkItem> LockNextTaskOrchestrationWorkItemAsync(TimeSpan receiveTimeout, CancellationToken cancellationToken)
    {
        if (_drainingOrchestrations)
        {
            return await NothingAsync<TaskOrchestrationWorkItem>(receiveTimeout, cancellationToken).ConfigureAwait(false);
        }

        var workItem = await LockAsync(
            _orchestrationSlots, _orchestrations, () => _inner.LockNextTaskOrchestrationWorkItemAsync(receiveTimeout, cancellationToken), cancellationToken)
            .ConfigureAwait(false);
        if (workItem is not null && _drainingOrchestrations)
        {
            // Locked by a wait begun before the drain stopped orchestration work (see LockNextTaskActivityWorkItem): back
            // to the backend, abandoned and released as the dispatcher would.
            await _inner.AbandonTaskOrchestrationWorkItemAsync(workItem).ConfigureAwait(false);
            await ReleaseTaskOrchestrationWorkItemAsync(workItem).ConfigureAwait(false);
            return null!;
        }

        if (_draining && workItem?.NewMessages is { } messages && workItem.InstanceId is { } instanceId)
        {
            foreach (var message in messages)
            {
                if (TaskIdOf(message.Event) is { } taskId)
                {
                    _undeliveredResults.TryRemove((instanceId, taskId), out _);
                }
            }
        }

        if (_trimReplayedInputs && workItem?.OrchestrationRuntimeState is { } state)
        {
            workItem.OrchestrationRuntimeState = ReplayHistory.WithoutScheduledInputs(state, _runInputs);
        }

        return workItem!;
    }

    public Task RenewTaskOrchestrationWorkItemLockAsync(TaskOrchestrationWorkItem workItem) =>
        _inner.RenewTaskOrchestrationWorkItemLockAsync(workItem);

    public Task CompleteTaskOrchestrationWorkItemAsync(
        TaskOrchestrationWorkItem workItem,
        OrchestrationRuntimeState newOrchestrationRuntimeState,
        IList<TaskMessage> outboundMessages,
        IList<TaskMessage> orchestratorMessages,
        IList<TaskMessage> timerMessages,
        TaskMessage continuedAsNewMessage,
        OrchestrationState orchestrationState)
    {
        if (_runOutputs is not null && newOrchestrationRuntimeState?.ExecutionCompletedEvent is { Result: var sent } completed
            && _runOutputs.TryTake(sent, out var output))
        {
            // The event's result cannot be set: an equal event with the output takes its place in the lists the
            // backends store from (the history, and the new events Azure Storage writes with the instance's output),
            // and the status the in-memory backend keeps. (The state's own ExecutionCompletedEvent property, which
            // cannot be set either, still names the reference; neither backend stores from it.)
            var restored = new ExecutionCompletedEvent(completed.EventId, output, completed.OrchestrationStatus, completed.FailureDetails)
            {
                Timestamp = completed.Timestamp,
                IsPlayed = completed.IsPlayed,
            };
            Replace(newOrchestrationRuntimeState.Events, completed, restored);
            Replace(newOrchestrationRuntimeState.NewEvents, completed, restored);
            if (orchestrationState is not null && orchestrationState.Output == sent)
            {
                orchestrationState.Output = output;
            }
        }

        if (_runInputs is not null && orchestrationState is not null)
        {
            // The status record takes its input from the work item's history: the input, not the reference, is kept.
            orchestrationState.Input = _runInputs.Restore(orchestrationState.Input);
            if (orchestrationState.OrchestrationStatus is OrchestrationStatus.Completed or OrchestrationStatus.Failed
                or OrchestrationStatus.Terminated or OrchestrationStatus.Canceled or OrchestrationStatus.ContinuedAsNew
                && orchestrationState.OrchestrationInstance is { } instance)
            {
                _runInputs.Forget(instance);
            }
        }

        return _inner.CompleteTaskOrchestrationWorkItemAsync(
            workItem, newOrchestrationRuntimeState, outboundMessages, orchestratorMessages, timerMessages, continuedAsNewMessage, orchestrationState);
    }

    public Task AbandonTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem) =>
        _inner.AbandonTaskOrchestrationWorkItemAsync(workItem);

    public async Task ReleaseTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem)
    {
        try
        {
            await _inner.ReleaseTaskOrchestrationWorkItemAsync(workItem).ConfigureAwait(false);
        }
        finally
        {
            GiveBack(_orchestrationSlots, _orchestrations, workItem);
        }
    }

    public async Task<TaskActivityWorkItem> LockNextTaskActivityWorkItem(TimeSpan receiveTimeout, CancellationToken cancellationToken)
    {
        if (_draining)
        {
            return await NothingAsync<TaskActivityWorkItem>(receiveTimeout, cancellationToken).ConfigureAwait(false);
        }

        var workItem = await LockAsync(_activitySlots, _activities, () => _inner.LockNextTaskActivityWorkItem(receiveTimeout, cancellationToken), cancellationToken)
            .ConfigureAwait(false);
        if (workItem is not null && _draining)
        {
            // The dispatcher waits inside the backend for the next work item, so a wait begun before a drain can lock a
            // step that a result completed during the drain scheduled, after the drain has seen none in flight: the
            // host was then disposed under it ('step answer attempt 1 failed: System.ObjectDisposedException' after
            // Ctrl+C of a frugal replay). It goes back to the backend instead (Azure Storage runs it after a restart).
            // Counted in flight before this check, so the drain either waits for it or this sees the drain.
            await AbandonTaskActivityWorkItemAsync(workItem).ConfigureAwait(false);
            return null!;
        }

        return workItem!;
    }

    /// <summary>Activity work items handed to the worker and not yet completed, abandoned or released.</summary>
    public int ActivitiesInFlight => _activities.Count;

    /// <summary>
    /// Hands out no more activity work items and waits, at most <paramref name="timeout"/>, until those in flight have
    /// completed. A stopping worker drops the results of activities still running (it completes them with its stopping
    /// token), so each ran again after a restart and paid for its model calls twice; once completed here, their results
    /// are stored with the backend and the restarted host goes on from them. Orchestration work goes on meanwhile, so
    /// runs whose last step finishes complete; once every result completed meanwhile has been taken by its
    /// orchestration (at most 5 s more), no orchestration work item is handed out either, and those in
    /// flight (short: an episode of the orchestrator) are waited for, since one the stopping worker abandons stays
    /// hidden from the next host for its lock's lifetime (the next host of a test took a minute to finish the run, 8 s now).
    /// </summary>
    /// <returns>How many activities were still in flight when the wait ended (0 when all completed).</returns>
    public async Task<int> DrainActivitiesAsync(TimeSpan timeout)
    {
        _draining = true;
        // A full fence: the flag is seen by a lock that counts its work item after this, or the drain sees the item.
        Interlocked.MemoryBarrier();
        await UntilEmptyAsync(_activities, timeout).ConfigureAwait(false);

        // The last results must reach their orchestrations before orchestration work stops: a result still in the
        // backend's queue (Azure Storage polls it up to a second later) left its run unfinished, and on the embedded
        // backend that run's answer, paid for, was dropped with the process.
        var orchestrationWait = System.Diagnostics.Stopwatch.StartNew();
        await UntilEmptyAsync(_undeliveredResults, TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        _drainingOrchestrations = true;
        Interlocked.MemoryBarrier();
        await UntilEmptyAsync(_orchestrations, TimeSpan.FromSeconds(5) - orchestrationWait.Elapsed).ConfigureAwait(false);
        return _activities.Count;
    }

    public Task<TaskActivityWorkItem> RenewTaskActivityWorkItemLockAsync(TaskActivityWorkItem workItem) =>
        _inner.RenewTaskActivityWorkItemLockAsync(workItem);

    public async Task CompleteTaskActivityWorkItemAsync(TaskActivityWorkItem workItem, TaskMessage responseMessage)
    {
        try
        {
            if (_draining && responseMessage?.OrchestrationInstance?.InstanceId is { } instanceId && TaskIdOf(responseMessage.Event) is { } taskId)
            {
                _undeliveredResults.TryAdd((instanceId, taskId), 0);
            }

            await _inner.CompleteTaskActivityWorkItemAsync(workItem, responseMessage).ConfigureAwait(false);
        }
        finally
        {
            GiveBack(_activitySlots, _activities, workItem);
        }
    }

    public async Task AbandonTaskActivityWorkItemAsync(TaskActivityWorkItem workItem)
    {
        try
        {
            await _inner.AbandonTaskActivityWorkItemAsync(workItem).ConfigureAwait(false);
        }
        finally
        {
            GiveBack(_activitySlots, _activities, workItem);
        }
    }

    public void Dispose()
    {
        _orchestrationSlots.Dispose();
        _activitySlots.Dispose();
    }

    /// <summary>The scheduled task an activity's result answers, or null for any other event.</summary>
    private static int? TaskIdOf(HistoryEvent? e) => e switch
    {
        TaskCompletedEvent completed => completed.TaskScheduledId,
        TaskFailedEvent failed => failed.TaskScheduledId,
        _ => null,
    };

    private static void Replace(IList<HistoryEvent> events, HistoryEvent old, HistoryEvent replacement)
    {
        var at = events.IndexOf(old);
        if (at >= 0)
        {
            events[at] = replacement;
        }
    }

    /// <summary>No work item, after a short wait: the dispatcher takes that as "nothing yet" and asks again.</summary>
    private static async Task<T> NothingAsync<T>(TimeSpan receiveTimeout, CancellationToken cancellationToken)
        where T : class
    {
        await Task.Delay(receiveTimeout < TimeSpan.FromSeconds(1) ? receiveTimeout : TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
        return null!;
    }

    private static async Task UntilEmptyAsync<T>(ConcurrentDictionary<T, byte> inFlight, TimeSpan timeout)
        where T : notnull
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!inFlight.IsEmpty && waited.Elapsed < timeout)
        {
            await Task.Delay(50).ConfigureAwait(false);
        }
    }

    /// <summary>Waits for a slot, then for a work item; the slot goes back at once when none came.</summary>
    private static async Task<T> LockAsync<T>(SemaphoreSlim slots, ConcurrentDictionary<T, byte> locked, Func<Task<T>> lockNext, CancellationToken cancellationToken)
        where T : class
    {
        await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        T? workItem = null;
        try
        {
            workItem = await lockNext().ConfigureAwait(false);
            return workItem;
        }
        finally
        {
            if (workItem is null || !locked.TryAdd(workItem, 0))
            {
                slots.Release();
            }
        }
    }

    private static void GiveBack<T>(SemaphoreSlim slots, ConcurrentDictionary<T, byte> locked, T workItem)
        where T : notnull
    {
        if (locked.TryRemove(workItem, out _))
        {
            slots.Release();
        }
    }
}
