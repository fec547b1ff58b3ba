using Azure;
using Azure.Data.Tables;

namespace Frugal.Costs;

/// <summary>Appending: one entity-group transaction per partition and chunk, records whose key is taken one by one.</summary>
public sealed partial class TableCostLedger
{
    /// <inheritdoc />
    public async Task<IReadOnlyList<CostRecord>> AppendAsync(IReadOnlyList<CostRecord> records, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        await _creation.EnsureAsync(cancellationToken).ConfigureAwait(false);

        // Which records are durable, and which of those the table held already (one appended twice in a batch is held
        // the second time), by position.
        var progress = new Progress(records.Count);

        // A call's own record that replaces its write-ahead record would fail its whole batch with a 409 (the key is
        // taken by that start): each goes on its own, and the rest keep their one transaction per partition. A key twice
        // in one batch would fail its transaction too: the first goes in the batch, the others one by one after it, where
        // each is told apart as the same record again or another execution of the same attempt (kept under a re-run key).
        var keys = new HashSet<(string, string)>();
        var batched = new List<int>(records.Count);
        var alone = new List<int>();
        var later = new List<int>();
        for (var i = 0; i < records.Count; i++)
        {
            var record = records[i];
            if (record.ReplacesStart)
            {
                alone.Add(i);
            }
            else if (keys.Add((PartitionKeyOf(record), RowKeyOf(record))))
            {
                batched.Add(i);
            }
            else
            {
                later.Add(i);
            }
        }

        try
        {
            foreach (var i in alone)
            {
                await AddOneAsync(records, i, progress, cancellationToken).ConfigureAwait(false);
            }

            foreach (var partition in batched.GroupBy(i => PartitionKeyOf(records[i]), StringComparer.Ordinal))
            {
                foreach (var chunk in partition.Chunk(MaxBatch))
                {
                    await AddBatchAsync(records, chunk, progress, cancellationToken).ConfigureAwait(false);
                }
            }

            foreach (var i in later)
            {
                await AddOneAsync(records, i, progress, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (progress.Durable.Contains(true))
        {
            // A batch goes in one transaction per partition (a day and a tenant), so one may fail after others are
            // committed: the writer completes the callers whose records are kept and fails only the rest.
            throw new CostAppendException(
                $"{progress.Durable.Count(d => d)} of {records.Count} cost records were stored before the append failed: {ex.Message}",
                ex,
                [.. records.Where((_, i) => progress.Durable[i])],
                [.. records.Where((_, i) => progress.Durable[i] && !progress.Held.Contains(i))]);
        }

        return progress.Held.Count == 0 ? records : [.. records.Where((_, i) => !progress.Held.Contains(i))];
    }

    private async Task AddBatchAsync(IReadOnlyList<CostRecord> records, int[] chunk, Progress progress, CancellationToken cancellationToken)
    {
        try
        {
            await _table.SubmitTransactionAsync(
                chunk.Select(i => new TableTransactionAction(TableTransactionActionType.Add, ToEntity(records[i]))), cancellationToken).ConfigureAwait(false);
            foreach (var i in chunk)
            {
                progress.Durable[i] = true;
            }
        }
        catch (TableTransactionFailedException ex) when (ex.Status == 409)
        {
            // Some records of the batch are already stored: the transaction is all-or-nothing, so add one by one.
            foreach (var i in chunk)
            {
                await AddOneAsync(records, i, progress, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Adds <paramref name="records"/>[<paramref name="index"/>] on its own, noting in <paramref name="progress"/> that it is durable and whether the table held it already.</summary>
    private async Task AddOneAsync(IReadOnlyList<CostRecord> records, int index, Progress progress, CancellationToken cancellationToken)
    {
        if (!await AddOneAsync(records[index], cancellationToken).ConfigureAwait(false))
        {
            progress.Held.Add(index);
        }

        progress.Durable[index] = true;
    }

    /// <summary>Where an append has got to, by the records' positions.</summary>
    private sealed class Progress(int count)
    {
        /// <summary>The records that are durable: stored by this append, or held already.</summary>
        public bool[] Durable { get; } = new bool[count];

        /// <summary>The records the table held before this append.</summary>
        public HashSet<int> Held { get; } = [];
    }

    /// <summary>
    /// Adds a record whose key may be taken: by the same record (an append the client library retried after it had
    /// succeeded), which is kept as it is, or by another execution of the same attempt (see
    /// <see cref="CostRecord.Invocation"/>), a real cost kept under the next free re-run key. False when the table held
    /// the record already.
    /// </summary>
    private async Task<bool> AddOneAsync(CostRecord record, CancellationToken cancellationToken)
    {
        var candidate = record;
        for (var rerun = 1; ; rerun++)
        {
            try
            {
                await _table.AddEntityAsync(ToEntity(candidate), cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (RequestFailedException conflict) when (conflict.Status == 409)
            {
                if (record.Invocation is null)
                {
                    return false;
                }

                var stored = await _table.GetEntityIfExistsAsync<TableEntity>(
                    PartitionKeyOf(candidate), RowKeyOf(candidate), ["Invocation", "Outcome"], cancellationToken).ConfigureAwait(false);
                if (stored.HasValue && stored.Value is { } entity && entity.GetString("Invocation") == record.Invocation)
                {
                    // The same call: its write-ahead record (CostOutcome.Started) gives way to its own record, replaced
                    // in place under its ETag, so a report never counts both; anything else is this record appended again.
                    if (entity.GetInt32("Outcome") == (int)CostOutcome.Started && record.Outcome != CostOutcome.Started)
                    {
                        await _table.UpdateEntityAsync(ToEntity(candidate), entity.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
                        return true;
                    }

                    return false;
                }

                candidate = record.Rerun(rerun);
            }
        }
    }
}
