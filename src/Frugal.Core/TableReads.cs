using System.Runtime.CompilerServices;
using Azure;

namespace Frugal;

/// <summary>
/// Reads for the stores over Azure Table storage, which do not create the table: creating needs more than Storage Table
/// Data Reader, the role infra/README gives whoever only reads (a cost report, a purge's dry-run count, training on
/// production feedback), and Azure refuses it with 403 even when the table exists, so every read of such a reader failed.
/// Writes create the table (<see cref="TableCreation"/>); until one has, a read finds nothing.
/// </summary>
internal static class TableReads
{
    /// <summary>The entities <paramref name="source"/> reads, none when the table is not there (404 TableNotFound).</summary>
    public static async IAsyncEnumerable<T> OrNoneWithoutTheTable<T>(AsyncPageable<T> source, [EnumeratorCancellation] CancellationToken cancellationToken)
        where T : notnull
    {
        await using var entities = source.GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            try
            {
                if (!await entities.MoveNextAsync().ConfigureAwait(false))
                {
                    yield break;
                }
            }
            catch (RequestFailedException ex) when (IsTableNotFound(ex))
            {
                yield break;
            }

            yield return entities.Current;
        }
    }

    /// <summary>Whether <paramref name="ex"/> says the table is not there.</summary>
    public static bool IsTableNotFound(RequestFailedException ex) => ex.Status == 404 && ex.ErrorCode == "TableNotFound";
}
