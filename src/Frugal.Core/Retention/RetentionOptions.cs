namespace Frugal.Retention;

/// <summary>How long cost records and run histories are kept; bound from <c>Frugal:Retention</c>, validated on start.</summary>
public sealed class RetentionOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Frugal:Retention";

    /// <summary>
    /// The Functions app's purge schedule setting (an NCRONTAB expression), which the Functions host resolves for the
    /// timer trigger from the app's settings, so it has no default here: infra and local.settings.sample.json set it
    /// (daily at 03:00 UTC), and without it the host reports the PurgeHistory function in error.
    /// </summary>
    public const string ScheduleSetting = "Frugal:Retention:Schedule";

    /// <summary>Cost records older than this many days are deleted.</summary>
    public int CostRecordDays { get; set; } = 400;

    /// <summary>Finished run histories (completed, failed, terminated) older than this many days are deleted.</summary>
    public int RunHistoryDays { get; set; } = 30;

    /// <summary>
    /// <c>frugal serve</c> on the embedded backend holds its runs in memory: runs that finished more than this many
    /// minutes ago are dropped (their status is then 404), or a server left running grows with every run.
    /// </summary>
    public int EmbeddedRunMinutes { get; set; } = 60;
}
