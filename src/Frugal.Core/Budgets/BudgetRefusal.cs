namespace Frugal.Budgets;

/// <summary>Why a new run is not admitted: the tenant's monthly budget is spent (402) or it is over its tokens per minute (429).</summary>
/// <param name="StatusCode">402 for a spent budget, 429 for the token rate.</param>
/// <param name="Title">The problem's title.</param>
/// <param name="Detail">The problem's detail, naming the tenant, the limit and the configuration key.</param>
/// <param name="Tenant">The tenant.</param>
/// <param name="Limit">The budget in dollars, or the tokens per minute.</param>
/// <param name="Used">The dollars spent this month, or the tokens used in the current minute.</param>
/// <param name="RetryAfterSeconds">For 429: seconds until the tenant's window frees.</param>
public sealed record BudgetRefusal(int StatusCode, string Title, string Detail, string Tenant, decimal Limit, decimal Used, int? RetryAfterSeconds = null);
