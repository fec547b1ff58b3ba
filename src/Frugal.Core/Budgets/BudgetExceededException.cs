namespace Frugal.Budgets;

/// <summary>A model call was refused because a budget is spent and the configured action is <see cref="BudgetAction.Refuse"/>.</summary>
public sealed class BudgetExceededException : Exception
{
    /// <summary>Creates the exception.</summary>
    public BudgetExceededException()
    {
    }

    /// <summary>Creates the exception with a message naming the budget, its limit and the spend.</summary>
    /// <param name="message">The message.</param>
    public BudgetExceededException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public BudgetExceededException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
