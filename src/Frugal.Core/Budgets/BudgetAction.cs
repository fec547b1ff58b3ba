namespace Frugal.Budgets;

/// <summary>What happens when a budget is reached.</summary>
public enum BudgetAction
{
    /// <summary>Premium calls go to the cheap tier; cheap calls go on (and are counted). Runs are still admitted.</summary>
    Downgrade,

    /// <summary>Model calls in the spent scope fail with <see cref="BudgetExceededException"/>; new runs of a tenant whose
    /// monthly budget is spent are refused with HTTP 402.</summary>
    Refuse,
}
