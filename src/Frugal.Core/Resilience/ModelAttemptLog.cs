namespace Frugal.Resilience;

/// <summary>
/// Collects the attempts of the model calls made inside a scope. The resilience pipeline and the fallback client
/// run in the caller's async flow, so an <see cref="AsyncLocal{T}"/> carries the log from the step handler down to
/// them without new parameters.
/// </summary>
public sealed class ModelAttemptLog
{
    private static readonly AsyncLocal<ModelAttemptLog?> Current = new();
    private readonly List<ModelAttempt> _attempts = [];
    private readonly Lock _lock = new();

    private ModelAttemptLog()
    {
    }

    /// <summary>The attempts so far.</summary>
    public IReadOnlyList<ModelAttempt> Attempts
    {
        get
        {
            lock (_lock)
            {
                return [.. _attempts];
            }
        }
    }

    /// <summary>The tier the next attempts belong to (set by whoever picks the deployment).</summary>
    public string Tier { get; set; } = "unknown";

    /// <summary>The attempts of the current flow's log (none when there is no log).</summary>
    public static IReadOnlyList<ModelAttempt> CurrentAttempts => Current.Value?.Attempts ?? [];

    /// <summary>Starts a log for the calls made in the current async flow.</summary>
    public static ModelAttemptLog Begin() => Current.Value = new ModelAttemptLog();

    /// <summary>Adds an attempt to the current flow's log, if there is one.</summary>
    public static void Add(string outcome, double? retryAfterMs = null)
    {
        if (Current.Value is { } log)
        {
            lock (log._lock)
            {
                var number = log._attempts.Count(a => a.Tier == log.Tier) + 1;
                log._attempts.Add(new ModelAttempt(log.Tier, number, outcome, retryAfterMs));
            }
        }
    }

    /// <summary>Sets the tier of the current flow's log, if there is one.</summary>
    public static void SetTier(string tier)
    {
        if (Current.Value is { } log)
        {
            log.Tier = tier;
        }
    }
}
