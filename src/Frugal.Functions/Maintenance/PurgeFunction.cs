using Frugal.Costs;
using Frugal.Retention;
using Frugal.Routing.Feedback;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;

namespace Frugal.Functions.Maintenance;

/// <summary>
/// Applies retention on a timer (setting <c>Frugal:Retention:Schedule</c>, daily at 03:00 UTC in the sample settings):
/// deletes cost records older than <c>Frugal:Retention:CostRecordDays</c> and finished run histories older than
/// <c>Frugal:Retention:RunHistoryDays</c>, with the blobs those runs offloaded, and, when the routing feedback loop is
/// on, the prompts it keeps by the same two retentions (<see cref="RetentionResult.Feedback"/>).
/// </summary>
public sealed class PurgeFunction
{
    private readonly RetentionPurger _purger;
    private readonly ICostLedger _ledger;
    private readonly RetentionOptions _options;
    private readonly IRoutingFeedbackStore? _feedback;

    public PurgeFunction(RetentionPurger purger, ICostLedger ledger, IOptions<RetentionOptions> options, IRoutingFeedbackStore? feedback = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _purger = purger;
        _ledger = ledger;
        _options = options.Value;
        _feedback = feedback;
    }

    [Function("PurgeHistory")]
    public Task RunAsync(
        [TimerTrigger("%Frugal:Retention:Schedule%")] TimerInfo timer,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken) =>
        _purger.PurgeAsync(
            _ledger, client, _feedback, TimeSpan.FromDays(_options.CostRecordDays), TimeSpan.FromDays(_options.RunHistoryDays), cancellationToken);
}
