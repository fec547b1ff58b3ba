using Azure.Data.Tables;
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

        return PurgeAsync(Account(tableEndpoint, credential), taskHub, before);
    }

    /// <summary>
    /// Counts the runs <see cref="PurgeAsync(string, string, DateTimeOffset)"/> would delete, with the same filter,
    /// deleting nothing (<c>frugal purge --dry-run</c>).
    /// </summary>
    /// <param name="connectionString">The storage account (<c>UseDevelopmentStorage=true</c> for Azurite).</param>
    /// <param name="taskHub">The task hub.</param>
    /// <param name="before">Runs created before this instant are counted.</param>
    /// <returns>How many runs a purge would delete now.</returns>
    public static Task<int> CountAsync(string connectionString, string taskHub, DateTimeOffset before) =>
        CountAsync(new TableServiceClient(connectionString), taskHub, before);

    /// <summary>
    /// Counts the runs <see cref="PurgeAsync(Uri, Azure.Core.TokenCredential, string, DateTimeOffset)"/> would delete,
    /// deleting nothing (<c>frugal purge --dry-run</c>).
    /// </summary>
    /// <param name="tableEndpoint">The account's table endpoint, <c>https://&lt;account&gt;.table.core.windows.net/</c>.</param>
    /// <param name="credential">The identity to use.</param>
    /// <param name="taskHub">The task hub.</param>
    /// <param name="before">Runs created before this instant are counted.</param>
    /// <returns>How many runs a purge would delete now.</returns>
    /// <exception cref="ArgumentException">The endpoint is not of the form <c>&lt;account&gt;.table.&lt;suffix&gt;</c>.</exception>
    public static Task<int> CountAsync(Uri tableEndpoint, Azure.Core.TokenCredential credential, string taskHub, DateTimeOffset before)
    {
        ArgumentNullException.ThrowIfNull(tableEndpoint);
        if (TableEndpointProblem(tableEndpoint) is { } problem)
        {
            throw new ArgumentException(problem, nameof(tableEndpoint));
        }

        return CountAsync(new TableServiceClient(new UriBuilder(tableEndpoint) { Path = "/" }.Uri, credential), taskHub, before);
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

    // Table storage cannot compare dates before 1601.
    private static readonly DateTime s_beginning = new(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private static readonly OrchestrationStatus[] s_finished = [OrchestrationStatus.Completed, OrchestrationStatus.Failed, OrchestrationStatus.Terminated];

    private static StorageAccountClientProvider Account(Uri tableEndpoint, Azure.Core.TokenCredential credential)
    {
        var labels = tableEndpoint.Host.Split('.', 3);

        Uri Service(string kind) => new UriBuilder(tableEndpoint) { Host = $"{labels[0]}.{kind}.{labels[2]}", Path = "/" }.Uri;
        return new StorageAccountClientProvider(Service("blob"), Service("queue"), Service("table"), credential);
    }

    private static async Task<int> PurgeAsync(StorageAccountClientProvider account, string taskHub, DateTimeOffset before)
    {
        var service = new AzureStorageOrchestrationService(new AzureStorageOrchestrationServiceSettings
        {
            TaskHubName = taskHub,
            StorageAccountClientProvider = account,
        });
        var filter = new PurgeInstanceFilter(s_beginning, before.UtcDateTime, s_finished);
        var result = await ((IOrchestrationServicePurgeClient)service).PurgeInstanceStateAsync(filter).ConfigureAwait(false);
        return result.DeletedInstanceCount;
    }

    // Read from the hub's instances table, as the purge selects them: the orchestration service's own query first creates
    // the task hub it is asked about (its tables, queues and lease container), so a dry run against a misspelt hub
    // made one, where the purge says it does not exist (TableNotFound).
    private static async Task<int> CountAsync(TableServiceClient tables, string taskHub, DateTimeOffset before)
    {
        string filter = TableClient.CreateQueryFilter($"CreatedTime ge {s_beginning} and CreatedTime le {before.UtcDateTime}")
            + " and (" + string.Join(" or ", s_finished.Select(status => TableClient.CreateQueryFilter($"RuntimeStatus eq {status.ToString()}"))) + ")";
        int count = 0;
        await foreach (var _ in tables.GetTableClient(taskHub + "Instances").QueryAsync<TableEntity>(filter, maxPerPage: 1000, select: ["PartitionKey"]).ConfigureAwait(false))
        {
            count++;
        }

        return count;
    }
}
