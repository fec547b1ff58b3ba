using Frugal.Costs;
using Frugal.Retention;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;

namespace Frugal.Functions.Maintenance;

/// <summary>
/// Applies retention on a timer (setting <c>Frugal:Retention:Schedule</c>, daily at 03:00 UTC in the sample settings):
/// deletes cost records older than <c>Frugal:Retention:CostRecordDays</c> and finished run histories older than
/// <c>Frugal:Retention:RunHistoryDays</c>, with the blobs those runs offloaded.
/// </summary>
public sealed class PurgeFunction
{
    private readonly RetentionPurger _purger;
    private readonly ICostLedger _ledger;
    private readonly RetentionOptions _options;

    public PurgeFunction(RetentionPurger purger, ICostLedger ledger, IOptions<RetentionOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _purger = purger;
        _ledger = ledger;
        _options = options.Value;
    }

    [Function("PurgeHistory")]
    public Task RunAsync(
        [TimerTrigger("%Frugal:Retention:Schedule%")] TimerInfo timer,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken) =>
        _purger.PurgeAsync(
            _ledger, client, TimeSpan.FromDays(_options.CostRecordDays), TimeSpan.FromDays(_options.RunHistoryDays), cancellationToken);
}
