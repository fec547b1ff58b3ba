namespace Frugal.Budgets;

/// <summary>Spending and token-rate limits, bound from the <c>Frugal:Budgets</c> section and validated on start.</summary>
public sealed class BudgetOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Frugal:Budgets";

    /// <summary>The tenant entry whose values apply to every tenant without its own.</summary>
    public const string DefaultTenant = "Default";

    /// <summary>Limits per tenant name (case-insensitive); the <see cref="DefaultTenant"/> entry applies to all.</summary>
    public Dictionary<string, TenantBudgetOptions> Tenants { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The most one run may spend, in US dollars; null for no limit.</summary>
    public decimal? PerRun { get; set; }

    /// <summary>What happens when a budget is reached.</summary>
    public BudgetAction Action { get; set; } = BudgetAction.Downgrade;

    /// <summary>Where reservations and token counters live: <c>memory</c> (one process, the embedded default) or
    /// <c>redis</c> (shared by every instance of the app).</summary>
    public string Store { get; set; } = "memory";

    /// <summary>The StackExchange.Redis configuration string when <see cref="Store"/> is <c>redis</c>.</summary>
    public string? RedisConnectionString { get; set; }

    /// <summary>The output tokens a call is assumed to produce at most when it sets no <c>MaxOutputTokens</c>.</summary>
    public int DefaultMaxOutputTokens { get; set; } = 4096;

    /// <summary>How long a model call waits for its tenant's tokens-per-minute window to free before it fails.</summary>
    public TimeSpan TokensPerMinuteMaxWait { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How long a model call waits when a budget has no headroom only because of calls in flight (their reservations
    /// of each call's maximum cost) while its settled spend is still under the limit. Those calls usually settle far
    /// lower than they reserved; refusing at once failed runs with most of a budget unspent.
    /// </summary>
    public TimeSpan ReservationMaxWait { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How long a call's reservation is held before the store takes it to be one nothing will settle and counts it as
    /// spent. Longer than any call with its retries and fallback (<c>Frugal:Models:Resilience:TotalTimeout</c>, 3 min,
    /// per tier); a call that settles later is counted at what it spent.
    /// </summary>
    public TimeSpan ReservationLease { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The limits that apply to <paramref name="tenant"/>: its own entry, else the <c>Default</c> entry.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <returns>The monthly budget and tokens-per-minute limit (each null when unlimited).</returns>
    public (decimal? Monthly, long? TokensPerMinute) For(string tenant)
    {
        Tenants.TryGetValue(tenant, out var own);
        Tenants.TryGetValue(DefaultTenant, out var fallback);
        return (own?.Monthly ?? fallback?.Monthly, own?.TokensPerMinute ?? fallback?.TokensPerMinute);
    }

    /// <summary>The configuration key that set the tenant's monthly budget (for messages).</summary>
    /// <param name="tenant">The tenant.</param>
    /// <returns>The key.</returns>
    public string MonthlyKey(string tenant) =>
        $"{SectionName}:Tenants:{(Tenants.TryGetValue(tenant, out var own) && own.Monthly is not null ? tenant : DefaultTenant)}:Monthly";

    /// <summary>The configuration key that set the tenant's tokens-per-minute limit (for messages).</summary>
    /// <param name="tenant">The tenant.</param>
    /// <returns>The key.</returns>
    public string TokensPerMinuteKey(string tenant) =>
        $"{SectionName}:Tenants:{(Tenants.TryGetValue(tenant, out var own) && own.TokensPerMinute is not null ? tenant : DefaultTenant)}:TokensPerMinute";
}
