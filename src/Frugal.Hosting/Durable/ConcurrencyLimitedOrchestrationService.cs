using DurableTask.Core;

namespace Frugal.Hosting.Durable;

/// <summary>
/// Passes every call to an inner orchestration service but reports its own work-item limits. The sidecar's
/// dispatchers read these limits; the in-memory service ships with <c>Environment.ProcessorCount</c> and the
/// dispatcher sleeps 500 ms whenever the limit is reached, which on a 2-core machine makes a fan-out of ten
/// activities take seconds. Activities here mostly wait on I/O (model calls), so the limits should be far
/// higher than the core count.
/// </summary>
internal sealed class ConcurrencyLimitedOrchestrationService : IOrchestrationService
{
    private readonly IOrchestrationService _inner;

    public ConcurrencyLimitedOrchestrationService(IOrchestrationService inner, int maxOrchestrations, int maxActivities)
    {
        _inner = inner;
        MaxConcurrentTaskOrchestrationWorkItems = maxOrchestrations;
        MaxConcurrentTaskActivityWorkItems = maxActivities;
    }

    public int MaxConcurrentTaskOrchestrationWorkItems { get; }

    public int MaxConcurrentTaskActivityWorkItems { get; }

    public int TaskOrchestrationDispatcherCount => _inner.TaskOrchestrationDispatcherCount;

    public int TaskActivityDispatcherCount => _inner.TaskActivityDispatcherCount;

    public BehaviorOnContinueAsNew EventBehaviourForContinueAsNew => _inner.EventBehaviourForContinueAsNew;

    public Task StartAsync() => _inner.StartAsync();

    public Task StopAsync() => _inner.StopAsync();

    public Task StopAsync(bool isForced) => _inner.StopAsync(isForced);

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

    public Task<TaskOrchestrationWorkItem> LockNextTaskOrchestrationWorkItemAsync(TimeSpan receiveTimeout, CancellationToken cancellationToken) =>
        _inner.LockNextTaskOrchestrationWorkItemAsync(receiveTimeout, cancellationToken);

    public Task RenewTaskOrchestrationWorkItemLockAsync(TaskOrchestrationWorkItem workItem) =>
        _inner.RenewTaskOrchestrationWorkItemLockAsync(workItem);

    public Task CompleteTaskOrchestrationWorkItemAsync(
        TaskOrchestrationWorkItem workItem,
        OrchestrationRuntimeState newOrchestrationRuntimeState,
        IList<TaskMessage> outboundMessages,
        IList<TaskMessage> orchestratorMessages,
        IList<TaskMessage> timerMessages,
        TaskMessage continuedAsNewMessage,
        OrchestrationState orchestrationState) =>
        _inner.CompleteTaskOrchestrationWorkItemAsync(
            workItem, newOrchestrationRuntimeState, outboundMessages, orchestratorMessages, timerMessages, continuedAsNewMessage, orchestrationState);

    public Task AbandonTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem) =>
        _inner.AbandonTaskOrchestrationWorkItemAsync(workItem);

    public Task ReleaseTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem) =>
        _inner.ReleaseTaskOrchestrationWorkItemAsync(workItem);

    public Task<TaskActivityWorkItem> LockNextTaskActivityWorkItem(TimeSpan receiveTimeout, CancellationToken cancellationToken) =>
        _inner.LockNextTaskActivityWorkItem(receiveTimeout, cancellationToken);

    public Task<TaskActivityWorkItem> RenewTaskActivityWorkItemLockAsync(TaskActivityWorkItem workItem) =>
        _inner.RenewTaskActivityWorkItemLockAsync(workItem);

    public Task CompleteTaskActivityWorkItemAsync(TaskActivityWorkItem workItem, TaskMessage responseMessage) =>
        _inner.CompleteTaskActivityWorkItemAsync(workItem, responseMessage);

    public Task AbandonTaskActivityWorkItemAsync(TaskActivityWorkItem workItem) =>
        _inner.AbandonTaskActivityWorkItemAsync(workItem);
}
