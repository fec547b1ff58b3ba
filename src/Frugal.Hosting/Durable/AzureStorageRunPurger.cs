using DurableTask.AzureStorage;
using DurableTask.Core;

namespace Frugal.Hosting.Durable;

/// <summary>
/// Purges finished runs from an Azure Storage task hub without starting a worker (so <c>frugal purge</c> never picks up
/// pending runs): the same <see cref="IOrchestrationServicePurgeClient"/> call the local host's sidecar makes for
/// <c>DurableTaskClient.PurgeAllInstancesAsync</c>. It deletes each instance's history and instance rows and the
/// large-message blobs the run offloaded.
/// </summary>
public static class AzureStorageRunPurger
{
    /// <summary>Deletes completed, failed and terminated runs created before <paramref name="before"/>.</summary>
    /// <param name="connectionString">The storage account (<c>UseDevelopmentStorage=true</c> for Azurite).</param>
    /// <param name="taskHub">The task hub.</param>
    /// <param name="before">Runs created before this instant are purged.</param>
    /// <returns>How many runs were deleted.</returns>
    public static async Task<int> PurgeAsync(string connectionString, string taskHub, DateTimeOffset before)
    {
        var service = new AzureStorageOrchestrationService(new AzureStorageOrchestrationServiceSettings
        {
            TaskHubName = taskHub,
            StorageAccountClientProvider = new StorageAccountClientProvider(connectionString),
        });
        var filter = new PurgeInstanceFilter(
            new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc), // Table storage cannot compare dates before 1601.
            before.UtcDateTime,
            [OrchestrationStatus.Completed, OrchestrationStatus.Failed, OrchestrationStatus.Terminated]);
        var result = await ((IOrchestrationServicePurgeClient)service).PurgeInstanceStateAsync(filter).ConfigureAwait(false);
        return result.DeletedInstanceCount;
    }
}
