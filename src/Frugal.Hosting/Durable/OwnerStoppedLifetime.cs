using Microsoft.Extensions.Hosting;

namespace Frugal.Hosting.Durable;

/// <summary>
/// The lifetime of the local host's sidecar and worker: started and stopped by their owner (<see cref="FrugalLocalHost"/>),
/// never by Ctrl+C or SIGTERM. With the default console lifetime each of them began stopping on the signal by itself:
/// the sidecar's dispatchers stopped taking orchestration work the moment the stop came, so a run whose last step
/// finished while <c>frugal run</c> waited for the steps in flight never completed, and on the embedded backend its
/// answer, paid for and recorded in the cost ledger, was lost. The command that owns the host decides when it stops,
/// after that wait.
/// </summary>
internal sealed class OwnerStoppedLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
