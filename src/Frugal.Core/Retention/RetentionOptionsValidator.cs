using Microsoft.Extensions.Options;

namespace Frugal.Retention;

/// <summary>Checks <see cref="RetentionOptions"/> at start-up, naming each key (a retention under a day would delete records and runs that just ended).</summary>
public sealed class RetentionOptionsValidator : IValidateOptions<RetentionOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, RetentionOptions options)
    {
        var failures = new List<string>();
        // Past a century, as --older-than: 2147483647 days overflowed TimeSpan, and frugal purge (and the Functions app's
        // purge timer) ended with "TimeSpan overflowed because the duration is too long", exit 1, naming no setting.
        Check(failures, "CostRecordDays", options.CostRecordDays, RetentionPurger.MaxAgeDays, "days");
        Check(failures, "RunHistoryDays", options.RunHistoryDays, RetentionPurger.MaxAgeDays, "days");
        Check(failures, "EmbeddedRunMinutes", options.EmbeddedRunMinutes, RetentionPurger.MaxAgeDays * 24 * 60, "minutes");

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Check(List<string> failures, string key, int value, int max, string unit)
    {
        if (value < 1)
        {
            failures.Add($"{RetentionOptions.SectionName}:{key} must be at least 1 (was {value}).");
        }
        else if (value > max)
        {
            failures.Add($"{RetentionOptions.SectionName}:{key} must be at most {max} {unit} (100 years) (was {value}).");
        }
    }
}
