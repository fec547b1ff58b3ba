namespace Frugal.Budgets;

/// <summary>
/// Tokens counted against a tenant's tokens-per-minute window before a call (<see cref="BudgetGuard.AcquireTokensAsync"/>),
/// to be corrected in that same window once the call's actual tokens are known (<see cref="BudgetGuard.CorrectTokensAsync"/>).
/// </summary>
/// <param name="Window">The minute's counter; null when the tenant has no tokens-per-minute limit.</param>
/// <param name="Tokens">The tokens counted (the estimate).</param>
public readonly record struct TokenCharge(string? Window, long Tokens);
