using Frugal.Retention;
using Microsoft.DurableTask.Client;

namespace Frugal.Cli.Local;

/// <summary>
/// Drops the finished runs of a long-running embedded host (<c>frugal serve</c>) once they finished longer ago than
/// <see cref="RetentionOptions.EmbeddedRunMinutes"/>: the embedded backend keeps every run in memory, and a server left
/// running grew by about 50 KB a run (2.1 GB after 26,000 runs) until it was stopped. By when a run finished, not when
/// it started (as the retention purge of a store does): a run that took an hour would be dropped as soon as it ended,
/// before its caller had read its output.
/// </summary>
internal static class EmbeddedRunPurge
{
    private static readonly OrchestrationRuntimeStatus[] Finished =
        [OrchestrationRuntimeStatus.Completed, OrchestrationRuntimeStatus.Failed, OrchestrationRuntimeStatus.Terminated];

    /// <summary>Purges every <paramref name="every"/> until <paramref name="cancellationToken"/> is cancelled.</summary>
    public static async Task RunAsync(DurableTaskClient client, TimeSpan keep, TimeSpan every, TimeProvider time, TextWriter error, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(every, time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                try
                {
                    await PurgeAsync(client, time.GetUtcNow() - keep, cancellationToken).ConfigureAwait(false);
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

    private static async Task PurgeAsync(DurableTaskClient client, DateTimeOffset finishedBefore, CancellationToken cancellationToken)
    {
        var query = new OrchestrationQuery { Statuses = Finished, FetchInputsAndOutputs = false, PageSize = 1000 };
        var old = new List<string>();
        await foreach (var run in client.GetAllInstancesAsync(query).WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (run.LastUpdatedAt < finishedBefore)
            {
                old.Add(run.InstanceId);
            }
        }

        foreach (var id in old)
        {
            await client.PurgeInstanceAsync(id, cancellation: cancellationToken).ConfigureAwait(false);
        }
    }
}
