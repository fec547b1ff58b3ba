using Azure.Data.Tables;

namespace Frugal;

/// <summary>
/// Creates a table once, for the stores that write to it; a creation that failed is tried again by the next call. A
/// failure was kept for the instance's life (a transient error, or a role assignment not yet in effect on a first
/// deployment), and every later write on that instance failed until it recycled. Two callers may both create: the call
/// is idempotent.
/// </summary>
internal sealed class TableCreation(TableClient table)
{
    private Task? _created;

    /// <summary>Completes once the table exists.</summary>
    public Task EnsureAsync(CancellationToken cancellationToken)
    {
        var created = Volatile.Read(ref _created);
        if (created is null || created.IsFaulted || created.IsCanceled)
        {
            // Shared by every caller: one caller's cancellation must not fail the others' creation.
            created = table.CreateIfNotExistsAsync(CancellationToken.None);
            Volatile.Write(ref _created, created);
        }

        return created.WaitAsync(cancellationToken);
    }
}
