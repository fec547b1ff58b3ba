using Frugal.Costs;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Frugal.Retention;

/// <summary>
/// Deletes cost records and finished run histories older than their retention. Run histories go through
/// <see cref="DurableTaskClient.PurgeAllInstancesAsync(PurgeInstancesFilter, CancellationToken)"/>: on the Azure Storage
/// backend that deletes each instance's history and instance rows and the large-message blobs the run offloaded
/// (inputs, outputs and events over the queue message limit); running and pending runs are never purged.
/// </summary>
public sealed class RetentionPurger
{
    private static readonly OrchestrationRuntimeStatus[] s_finished =
        [OrchestrationRuntimeStatus.Completed, OrchestrationRuntimeStatus.Failed, OrchestrationRuntimeStatus.Terminated];

    // Table storage cannot compare dates before 1601, so "from the beginning" is a date before any run.
    private static readonly DateTimeOffset s_beginning = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>How long one purge call of run histories may run before it stops and is called again (the gRPC client's calls give up after 100 s).</summary>
    internal static readonly TimeSpan PurgeCallTimeout = TimeSpan.FromSeconds(60);

    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>Creates the purger.</summary>
    /// <param name="time">The clock the cut-offs are taken from.</param>
    /// <param name="logger">The logger.</param>
    public RetentionPurger(TimeProvider time, ILogger<RetentionPurger>? logger = null)
    {
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>
    /// Deletes cost records (never this month's, which budgets count), finished run histories and, given
    /// <paramref name="feedback"/>, routing feedback older than their retention (see <see cref="RetentionResult.Feedback"/>).
    /// </summary>
    /// <param name="ledger">The cost ledger, or null to leave it.</param>
    /// <param name="client">The durable client whose finished runs to purge, or null to leave them.</param>
    /// <param name="feedback">The routing feedback store, or null to leave it.</param>
    /// <param name="costRecordAge">How old a cost record (and a feedback example) may be.</param>
    /// <param name="runAge">How old a finished run (and a remembered model call) may be.</param>
    /// <param name="cancellationToken">Stops the purge.</param>
    public async Task<RetentionResult> PurgeAsync(
        ICostLedger? ledger,
        DurableTaskClient? client,
        Frugal.Routing.Feedback.IRoutingFeedbackStore? feedback,
        TimeSpan costRecordAge,
        TimeSpan runAge,
        CancellationToken cancellationToken)
    {
        var (costsBefore, keptForBudgets, runsBefore, examplesBefore) = CutOffs(costRecordAge, runAge);
        long? records = null;
        int? runs = null;
        if (ledger is not null)
        {
            records = await ledger.PurgeAsync(costsBefore, cancellationToken).ConfigureAwait(false);
            Log.CostRecordsPurged(_logger, records.Value, costsBefore);
        }

        if (client is not null)
        {
            // A call at a time, each stopping after PurgeCallTimeout and saying whether it finished: in the Functions
            // app the client reaches the host over gRPC, whose calls give up after 100 s, so one call over a month of
            // runs on Azure Storage could fail every night and purge nothing. A backend that cannot stop part way
            // ignores the timeout and reports no completion (null): one call, as before.
            var filter = new PurgeInstancesFilter(s_beginning, runsBefore, s_finished) { Timeout = PurgeCallTimeout };
            PurgeResult result;
            runs = 0;
            do
            {
                result = await client.PurgeAllInstancesAsync(filter, cancellationToken).ConfigureAwait(false);
                runs += result.PurgedInstanceCount;
            }
            while (result.IsComplete == false);

            Log.RunsPurged(_logger, runs.Value, runsBefore);
        }

        (int Calls, int Examples)? purgedFeedback = null;
        if (feedback is not null)
        {
            purgedFeedback = await feedback.PurgeAsync(runsBefore, examplesBefore, cancellationToken).ConfigureAwait(false);
            Log.FeedbackPurged(_logger, purgedFeedback.Value.Calls, runsBefore, purgedFeedback.Value.Examples, examplesBefore);
        }

        return new RetentionResult(records, runs, costsBefore, runsBefore) { CostRecordsKeptForBudgets = keptForBudgets, Feedback = purgedFeedback };
    }

    /// <summary>
    /// Counts what <see cref="PurgeAsync"/> would delete now with the same retention, deleting nothing: cost records and
    /// routing feedback (run histories are counted by whoever purges them, <see cref="RetentionResult.Runs"/> is null).
    /// </summary>
    /// <param name="ledger">The cost ledger, or null to leave it.</param>
    /// <param name="feedback">The routing feedback store, or null to leave it.</param>
    /// <param name="costRecordAge">How old a cost record (and a feedback example) may be.</param>
    /// <param name="runAge">How old a finished run (and a remembered model call) may be.</param>
    /// <param name="cancellationToken">Stops the count.</param>
    /// <returns>What a purge would delete, and the cut-offs it would apply.</returns>
    public async Task<RetentionResult> PreviewAsync(
        ICostLedger? ledger,
        Frugal.Routing.Feedback.IRoutingFeedbackStore? feedback,
        TimeSpan costRecordAge,
        TimeSpan runAge,
        CancellationToken cancellationToken)
    {
        var (costsBefore, keptForBudgets, runsBefore, examplesBefore) = CutOffs(costRecordAge, runAge);
        long? records = ledger is null ? null : await ledger.CountBeforeAsync(costsBefore, cancellationToken).ConfigureAwait(false);
        (int Calls, int Examples)? feedbackCount = feedback is null ? null
            : await feedback.CountAsync(runsBefore, examplesBefore, cancellationToken).ConfigureAwait(false);
        return new RetentionResult(records, null, costsBefore, runsBefore) { CostRecordsKeptForBudgets = keptForBudgets, Feedback = feedbackCount };
    }

    private (DateTimeOffset CostsBefore, bool KeptForBudgets, DateTimeOffset RunsBefore, DateTimeOffset ExamplesBefore) CutOffs(TimeSpan costRecordAge, TimeSpan runAge)
    {
        var now = _time.GetUtcNow();
        DateTimeOffset costsBefore = now - costRecordAge;

        // Monthly budgets count this month's spend from the ledger whenever their counter is seeded (a new instance of
        // the in-memory store, a Redis flush or restart), and per-run budgets their run's spend over the last seven
        // days: a retention shorter than that would make them forget spend that was made. The current (UTC) month's
        // records, and those of the last seven days early in a month, are kept whatever the retention.
        var monthStart = new DateTimeOffset(now.UtcDateTime.Year, now.UtcDateTime.Month, 1, 0, 0, 0, TimeSpan.Zero);
        var keepFrom = monthStart < now - Budgets.BudgetGuard.RunTimeToLive ? monthStart : now - Budgets.BudgetGuard.RunTimeToLive;
        bool keptForBudgets = costsBefore > keepFrom;

        // Feedback examples are not moved back: that is for budgets, which examples do not feed.
        return (keptForBudgets ? keepFrom : costsBefore, keptForBudgets, now - runAge, now - costRecordAge);
    }

    /// <summary>Parses an age such as <c>30d</c>, <c>12h</c> or <c>90m</c>.</summary>
    /// <param name="text">The text.</param>
    /// <param name="age">The age.</param>
    /// <param name="error">Why the text is not an age.</param>
    /// <returns>Whether it parsed.</returns>
    public static bool TryParseAge(string? text, out TimeSpan age, out string? error)
    {
        age = default;
        error = null;
        if (string.IsNullOrWhiteSpace(text) || text.Length < 2
            || !int.TryParse(text.AsSpan(0, text.Length - 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int value)
            || value <= 0)
        {
            error = $"'{text}' is not an age such as 30d, 12h or 90m (a positive whole number and d, h or m)";
            return false;
        }

        double? days = char.ToLowerInvariant(text[^1]) switch
        {
            'd' => value,
            'h' => value / 24.0,
            'm' => value / 1440.0,
            _ => null,
        };
        if (days is null)
        {
            error = $"'{text}' is not an age such as 30d, 12h or 90m (a positive whole number and d, h or m)";
            return false;
        }

        // An age past the calendar (TimeSpan overflows at about 29,000 years, and now minus the age must be a date)
        // would throw; no retention is longer than a century.
        if (days > MaxAgeDays)
        {
            error = $"'{text}' is more than {MaxAgeDays} days (100 years)";
            return false;
        }

        age = char.ToLowerInvariant(text[^1]) switch
        {
            'd' => TimeSpan.FromDays(value),
            'h' => TimeSpan.FromHours(value),
            _ => TimeSpan.FromMinutes(value),
        };
        return true;
    }

    /// <summary>The longest age a purge takes, from the command line or from <see cref="RetentionOptions"/>.</summary>
    internal const int MaxAgeDays = 36_525;
}
