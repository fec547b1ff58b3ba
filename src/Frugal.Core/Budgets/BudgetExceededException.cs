namespace Frugal.Budgets;

/// <summary>A model call was refused because a budget is spent and the configured action is <see cref="BudgetAction.Refuse"/>.</summary>
public sealed class BudgetExceededException : Exception, Frugal.Telemetry.IRedactableFailure
{
    /// <summary>The message, which quotes none of the tenant's text (it names limits, settings and deployments).</summary>
    public string RedactedMessage => Message;

    /// <summary>
    /// Whether it refused an escalation under the Downgrade action (premium was asked again of a cheap answer that failed
    /// validation, and the budget would have sent it to the same cheap model): the step keeps its cheap answer.
    /// </summary>
    public bool EscalationSkipped { get; init; }

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
