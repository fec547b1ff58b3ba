using Azure;
using Azure.Data.Tables;

namespace Frugal;

/// <summary>Deletes entities in entity-group transactions, the most a transaction takes of one partition at a time.</summary>
internal static class TableDeletes
{
    private const int MaxBatch = 100;

    /// <summary>Deletes the entities <paramref name="keys"/> reads (their PartitionKey and RowKey suffice), in the order read.</summary>
    /// <returns>How many were deleted.</returns>
    public static async Task<long> DeleteAsync(TableClient table, IAsyncEnumerable<TableEntity> keys, CancellationToken cancellationToken)
    {
        long deleted = 0;
        var batch = new List<TableEntity>(MaxBatch);
        await foreach (var entity in keys.ConfigureAwait(false))
        {
            if (batch.Count == MaxBatch || (batch.Count > 0 && batch[0].PartitionKey != entity.PartitionKey))
            {
                deleted += await DeleteBatchAsync(table, batch, cancellationToken).ConfigureAwait(false);
            }

            batch.Add(entity);
        }

        return deleted + await DeleteBatchAsync(table, batch, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<long> DeleteBatchAsync(TableClient table, List<TableEntity> batch, CancellationToken cancellationToken)
    {
        if (batch.Count == 0)
        {
            return 0;
        }

        await table.SubmitTransactionAsync(
            batch.Select(e => new TableTransactionAction(TableTransactionActionType.Delete, e, ETag.All)), cancellationToken).ConfigureAwait(false);
        long count = batch.Count;
        batch.Clear();
        return count;
    }
}
