namespace Frugal.Budgets;

/// <summary>The budget store could not be reached; the model call was not made (a step fails and is retried).</summary>
public sealed class BudgetStoreUnavailableException : Exception, Frugal.Telemetry.IRedactableFailure
{
    /// <summary>The message, which quotes none of the tenant's text (it names limits, settings and deployments).</summary>
    public string RedactedMessage => Message;

    /// <summary>Creates the exception.</summary>
    public BudgetStoreUnavailableException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What failed, naming the setting.</param>
    public BudgetStoreUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    /// <param name="message">What failed, naming the setting.</param>
    /// <param name="innerException">The Redis client's error.</param>
    public BudgetStoreUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
