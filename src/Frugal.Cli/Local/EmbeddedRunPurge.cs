using Frugal.Retention;
using Microsoft.DurableTask.Client;

namespace Frugal.Cli.Local;

/// <summary>
/// Drops the finished runs of a long-running embedded host (<c>frugal serve</c>) once they are older than
/// <see cref="RetentionOptions.EmbeddedRunMinutes"/>: the embedded backend keeps every run in memory, and a server left
/// running grew by about 50 KB a run (2.1 GB after 26,000 runs) until it was stopped.
/// </summary>
internal static class EmbeddedRunPurge
{
    /// <summary>Purges every <paramref name="every"/> until <paramref name="cancellationToken"/> is cancelled.</summary>
    public static async Task RunAsync(DurableTaskClient client, TimeSpan keep, TimeSpan every, TextWriter error, CancellationToken cancellationToken)
    {
        var purger = new RetentionPurger(TimeProvider.System);
        using var timer = new PeriodicTimer(every);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                try
                {
                    await purger.PurgeAsync(null, client, TimeSpan.Zero, keep, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The next tick tries again; the server goes on serving.
                    await error.WriteLineAsync($"warning: finished runs could not be dropped from memory: {ex.Message}").ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The server stopped.
        }
    }
}
