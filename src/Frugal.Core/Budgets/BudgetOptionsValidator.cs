using Microsoft.Extensions.Options;

namespace Frugal.Budgets;

/// <summary>Checks <see cref="BudgetOptions"/> at start-up; each failure names its configuration key.</summary>
internal sealed class BudgetOptionsValidator : IValidateOptions<BudgetOptions>
{
    public ValidateOptionsResult Validate(string? name, BudgetOptions options)
    {
        var failures = new List<string>();
        const string Section = BudgetOptions.SectionName;
        foreach (var (tenant, limits) in options.Tenants)
        {
            if (limits.Monthly is < 0)
            {
                failures.Add($"{Section}:Tenants:{tenant}:Monthly must be zero or more (was {limits.Monthly}).");
            }

            if (limits.TokensPerMinute is <= 0)
            {
                failures.Add($"{Section}:Tenants:{tenant}:TokensPerMinute must be more than zero (was {limits.TokensPerMinute}).");
            }
        }

        if (options.PerRun is < 0)
        {
            failures.Add($"{Section}:PerRun must be zero or more (was {options.PerRun}).");
        }

        if (!Enum.IsDefined(options.Action))
        {
            failures.Add($"{Section}:Action must be Downgrade or Refuse (was {options.Action}).");
        }

        bool redis = string.Equals(options.Store, "redis", StringComparison.OrdinalIgnoreCase);
        if (!redis && !string.Equals(options.Store, "memory", StringComparison.OrdinalIgnoreCase))
        {
            failures.Add($"{Section}:Store must be 'memory' or 'redis' (was '{options.Store}').");
        }

        if (redis && string.IsNullOrWhiteSpace(options.RedisConnectionString))
        {
            failures.Add($"{Section}:RedisConnectionString is required when {Section}:Store is 'redis'.");
        }

        if (options.DefaultMaxOutputTokens <= 0)
        {
            failures.Add($"{Section}:DefaultMaxOutputTokens must be more than zero (was {options.DefaultMaxOutputTokens}).");
        }

        if (options.TokensPerMinuteMaxWait < TimeSpan.Zero)
        {
            failures.Add($"{Section}:TokensPerMinuteMaxWait must not be negative (was {options.TokensPerMinuteMaxWait}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
