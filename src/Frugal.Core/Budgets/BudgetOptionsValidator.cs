using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Frugal.Budgets;

/// <summary>Checks <see cref="BudgetOptions"/> at start-up; each failure names its configuration key.</summary>
/// <param name="section">The <c>Frugal:Budgets</c> section as written, to check that its numbers are numbers: the
/// binder leaves a tenant's limit that does not convert ("abc") unset, so that tenant would have no budget at all.</param>
/// <param name="totalTimeout">How long a model call may take (<c>Frugal:Models:Resilience:TotalTimeout</c>), which a
/// reservation's lease must outlast.</param>
internal sealed class BudgetOptionsValidator(IConfigurationSection? section = null, TimeSpan? totalTimeout = null) : IValidateOptions<BudgetOptions>
{
    // The largest limit a counter of nano-dollars in 64 bits holds with room for what is spent past it: a billion dollars.
    private const decimal MaxDollars = 1_000_000_000m;

    public ValidateOptionsResult Validate(string? name, BudgetOptions options)
    {
        var failures = new List<string>();
        const string Section = BudgetOptions.SectionName;
        foreach (var tenant in section?.GetSection("Tenants").GetChildren() ?? [])
        {
            CheckNumber(failures, tenant.GetSection("Monthly"), "a number of dollars");
            CheckNumber(failures, tenant.GetSection("TokensPerMinute"), "a whole number of tokens", whole: true);
        }

        if (section is not null)
        {
            CheckNumber(failures, section.GetSection("PerRun"), "a number of dollars");
        }

        foreach (var (tenant, limits) in options.Tenants)
        {
            if (limits.Monthly is < 0)
            {
                failures.Add($"{Section}:Tenants:{tenant}:Monthly must be zero or more (was {limits.Monthly}).");
            }
            else if (limits.Monthly is > MaxDollars)
            {
                failures.Add($"{Section}:Tenants:{tenant}:Monthly must be at most {MaxDollars:N0} dollars (was {limits.Monthly}); leave it out for no budget.");
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
        else if (options.PerRun is > MaxDollars)
        {
            // Counters hold nano-dollars in 64 bits: a limit set far above any bill "for no limit" made every call throw.
            failures.Add($"{Section}:PerRun must be at most {MaxDollars:N0} dollars (was {options.PerRun}); leave it out for no budget.");
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

        if (options.ReservationLease <= TimeSpan.Zero)
        {
            failures.Add($"{Section}:ReservationLease must be positive (was {options.ReservationLease}).");
        }
        else if (totalTimeout is { } longest && options.ReservationLease <= longest)
        {
            // A hold released while its call still runs lets other calls in past the budget.
            failures.Add($"{Section}:ReservationLease ({options.ReservationLease}) must be longer than {longest}, the longest a model call may take ({Resilience.ModelResilienceOptions.Section}:TotalTimeout, twice over with a fallback deployment).");
        }

        if (options.ReservationMaxWait < TimeSpan.Zero)
        {
            failures.Add($"{Section}:ReservationMaxWait must not be negative (was {options.ReservationMaxWait}).");
        }

        if (options.TokensPerMinuteMaxWait < TimeSpan.Zero)
        {
            failures.Add($"{Section}:TokensPerMinuteMaxWait must not be negative (was {options.TokensPerMinuteMaxWait}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void CheckNumber(List<string> failures, IConfigurationSection value, string expected, bool whole = false)
    {
        if (value.Value is { } text && !(whole
            ? long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out _)
            : decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _)))
        {
            failures.Add($"{value.Path} must be {expected} (was '{text}').");
        }
    }
}
