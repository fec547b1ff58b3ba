namespace Frugal.Budgets;

/// <summary>One tenant's limits (<c>Frugal:Budgets:Tenants:&lt;name&gt;</c>); unset values fall back to the <c>Default</c> entry.</summary>
public sealed class TenantBudgetOptions
{
    /// <summary>The most the tenant may spend per calendar month (UTC), in US dollars; null for no limit.</summary>
    public decimal? Monthly { get; set; }

    /// <summary>The most model tokens (prompt and completion) the tenant may use per minute; null for no limit.</summary>
    public long? TokensPerMinute { get; set; }
}
