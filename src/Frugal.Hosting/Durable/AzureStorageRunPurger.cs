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
    public static Task<int> PurgeAsync(string connectionString, string taskHub, DateTimeOffset before) =>
        PurgeAsync(new StorageAccountClientProvider(connectionString), taskHub, before);

    /// <summary>
    /// Deletes completed, failed and terminated runs created before <paramref name="before"/>, reaching the account
    /// by its endpoints with <paramref name="credential"/> (an account that allows no shared keys).
    /// </summary>
    /// <param name="tableEndpoint">The account's table endpoint, <c>https://&lt;account&gt;.table.core.windows.net/</c>;
    /// its blob and queue endpoints are named the same way.</param>
    /// <param name="credential">The identity to use.</param>
    /// <param name="taskHub">The task hub.</param>
    /// <param name="before">Runs created before this instant are purged.</param>
    /// <returns>How many runs were deleted.</returns>
    /// <exception cref="ArgumentException">The endpoint is not of the form <c>&lt;account&gt;.table.&lt;suffix&gt;</c>.</exception>
    public static Task<int> PurgeAsync(Uri tableEndpoint, Azure.Core.TokenCredential credential, string taskHub, DateTimeOffset before)
    {
        ArgumentNullException.ThrowIfNull(tableEndpoint);
        if (TableEndpointProblem(tableEndpoint) is { } problem)
        {
            throw new ArgumentException(problem, nameof(tableEndpoint));
        }

        var labels = tableEndpoint.Host.Split('.', 3);

        Uri Service(string kind) => new UriBuilder(tableEndpoint) { Host = $"{labels[0]}.{kind}.{labels[2]}", Path = "/" }.Uri;
        return PurgeAsync(new StorageAccountClientProvider(Service("blob"), Service("queue"), Service("table"), credential), taskHub, before);
    }

    /// <summary>Why run histories cannot be purged through <paramref name="tableEndpoint"/>, or null when they can.</summary>
    /// <param name="tableEndpoint">A storage account's table endpoint.</param>
    public static string? TableEndpointProblem(Uri tableEndpoint)
    {
        ArgumentNullException.ThrowIfNull(tableEndpoint);
        var labels = tableEndpoint.Host.Split('.', 3);
        return labels.Length == 3 && labels[1] == "table"
            ? null
            : $"'{tableEndpoint}' is not a table endpoint of the form https://<account>.table.core.windows.net/, from which the account's blob and queue endpoints can be named";
    }

    private static async Task<int> PurgeAsync(StorageAccountClientProvider account, string taskHub, DateTimeOffset before)
    {
        var service = new AzureStorageOrchestrationService(new AzureStorageOrchestrationServiceSettings
        {
            TaskHubName = taskHub,
            StorageAccountClientProvider = account,
        });
        var filter = new PurgeInstanceFilter(
            new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc), // Table storage cannot compare dates before 1601.
            before.UtcDateTime,
            [OrchestrationStatus.Completed, OrchestrationStatus.Failed, OrchestrationStatus.Terminated]);
        var result = await ((IOrchestrationServicePurgeClient)service).PurgeInstanceStateAsync(filter).ConfigureAwait(false);
        return result.DeletedInstanceCount;
    }
}
