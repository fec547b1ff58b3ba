using Microsoft.Extensions.Options;

namespace Frugal.Retention;

/// <summary>Checks <see cref="RetentionOptions"/> at start-up, naming each key (a retention under a day would delete records and runs that just ended).</summary>
public sealed class RetentionOptionsValidator : IValidateOptions<RetentionOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, RetentionOptions options)
    {
        var failures = new List<string>();
        if (options.CostRecordDays < 1)
        {
            failures.Add($"{RetentionOptions.SectionName}:CostRecordDays must be at least 1 (was {options.CostRecordDays}).");
        }

        if (options.RunHistoryDays < 1)
        {
            failures.Add($"{RetentionOptions.SectionName}:RunHistoryDays must be at least 1 (was {options.RunHistoryDays}).");
        }

        if (options.EmbeddedRunMinutes < 1)
        {
            failures.Add($"{RetentionOptions.SectionName}:EmbeddedRunMinutes must be at least 1 (was {options.EmbeddedRunMinutes}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
