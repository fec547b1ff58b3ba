using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Azure;
using Azure.Data.Tables;

namespace Frugal.Costs;

/// <summary>How a query's period becomes the partition ranges the ledger reads, several at once.</summary>
public sealed partial class TableCostLedger
{
    /// <summary>
    /// The PartitionKey ranges a query reads when it does not read a tenant's day partitions: from its start's day to
    /// its end's, one range per day (several when the period is longer than <see cref="MaxRanges"/> days), the last
    /// one open-ended when the query has no end; a single range when it has no start.
    /// </summary>
    private List<string> DayRanges(CostQuery query)
    {
        if (query.Since is not { } since)
        {
            return [query.Until is { } to ? TableClient.CreateQueryFilter($"PartitionKey lt {Day(to.AddDays(1))}") : ""];
        }

        var first = since.UtcDateTime.Date;
        // The day after the end's day, or after tomorrow for an open end (another instance's clock may run ahead).
        var end = (query.Until ?? _time.GetUtcNow().AddDays(1)).UtcDateTime.Date.AddDays(1);
        int days = Math.Max(1, (int)(end - first).TotalDays);
        int width = (days + MaxRanges - 1) / MaxRanges;
        var ranges = new List<string>();
        var day = first;
        for (; day.AddDays(width) < end || (query.Until is not null && day < end); day = day.AddDays(width))
        {
            ranges.Add(TableClient.CreateQueryFilter($"PartitionKey ge {Day(day)}") + " and " + TableClient.CreateQueryFilter($"PartitionKey lt {Day(Min(day.AddDays(width), end))}"));
        }

        if (query.Until is null)
        {
            ranges.Add(TableClient.CreateQueryFilter($"PartitionKey ge {Day(day)}"));
        }

        return ranges;
    }

    /// <summary>
    /// The entities each filter selects (null: the whole table), read <see cref="ReadParallelism"/> filters at a time and
    /// passed on a page at a time as they come, at most <see cref="ReadParallelism"/> pages ahead of the caller. A
    /// failure of any read ends the others and is thrown to the caller as it was raised; so is the caller's cancellation.
    /// </summary>
    private async IAsyncEnumerable<TableEntity> ReadAsync(List<string?> filters, IEnumerable<string>? select, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (filters.Count == 1)
        {
            await foreach (var entity in TableReads.OrNoneWithoutTheTable(_table.QueryAsync<TableEntity>(filters[0], maxPerPage: 1000, select, cancellationToken), cancellationToken).ConfigureAwait(false))
            {
                yield return entity;
            }

            yield break;
        }

        var pages = Channel.CreateBounded<IReadOnlyList<TableEntity>>(new BoundedChannelOptions(ReadParallelism) { SingleReader = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var readers = ReadAllAsync(filters, select, pages.Writer, stop.Token);
        try
        {
            await foreach (var page in pages.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                foreach (var entity in page)
                {
                    yield return entity;
                }
            }
        }
        finally
        {
            // The caller stopped early (or failed): end the reads still going before leaving.
            await stop.CancelAsync().ConfigureAwait(false);
            await readers.ConfigureAwait(false);
        }
    }

    /// <summary>Reads every filter's pages into <paramref name="pages"/>, then completes it, with the first failure if any.</summary>
    private async Task ReadAllAsync(List<string?> filters, IEnumerable<string>? select, ChannelWriter<IReadOnlyList<TableEntity>> pages, CancellationToken cancellationToken)
    {
        try
        {
            await Parallel.ForEachAsync(filters, new ParallelOptions { MaxDegreeOfParallelism = ReadParallelism, CancellationToken = cancellationToken }, async (filter, token) =>
            {
                try
                {
                    await foreach (var page in _table.QueryAsync<TableEntity>(filter, maxPerPage: 1000, select, token).AsPages().WithCancellation(token).ConfigureAwait(false))
                    {
                        await pages.WriteAsync(page.Values, token).ConfigureAwait(false);
                    }
                }
                catch (RequestFailedException ex) when (TableReads.IsTableNotFound(ex))
                {
                    // No table: no records (see TableReads.OrNoneWithoutTheTable).
                }
            }).ConfigureAwait(false);
            pages.Complete();
        }
        catch (Exception ex)
        {
            pages.Complete(ex);
        }
    }

    /// <summary>
    /// The partitions of one tenant a query reads, as filters, when it names a tenant and a start no more than
    /// <see cref="MaxPartitionDays"/> days before its end (or before tomorrow); otherwise null. A query with no end also
    /// reads that tenant's records in any later day's partition, as one range that is normally empty: another
    /// instance's clock may run ahead by more than a day.
    /// </summary>
    private List<string>? PartitionsOf(CostQuery query)
    {
        if (query.Tenant is not { } tenant || query.Since is not { } since)
        {
            return null;
        }

        var first = since.UtcDateTime.Date;
        var last = (query.Until ?? _time.GetUtcNow().AddDays(1)).UtcDateTime.Date;
        if ((last - first).TotalDays > MaxPartitionDays)
        {
            return null;
        }

        var partitions = new List<string>();
        for (var day = first; day <= last; day = day.AddDays(1))
        {
            partitions.Add(TableClient.CreateQueryFilter($"PartitionKey eq {Day(day) + "_" + Escape(tenant)}"));
        }

        if (query.Until is null)
        {
            partitions.Add(TableClient.CreateQueryFilter($"PartitionKey ge {Day(last.AddDays(1))}") + " and " + TableClient.CreateQueryFilter($"Tenant eq {tenant}"));
        }

        return partitions;
    }
}
