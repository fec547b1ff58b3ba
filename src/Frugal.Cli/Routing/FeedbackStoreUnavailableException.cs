namespace Frugal.Cli.Routing;

/// <summary>
/// The storage account holding the routing feedback could not be read: unreachable, or the sign-in or key refused. A
/// service that does not answer is not bad input, so <c>frugal router train</c> exits 1 for it, as the cost commands do
/// for their ledger; a file that is not a feedback store, or an account without the table, stays a usage error.
/// </summary>
internal sealed class FeedbackStoreUnavailableException : Exception
{
    public FeedbackStoreUnavailableException()
    {
    }

    public FeedbackStoreUnavailableException(string message)
        : base(message)
    {
    }

    public FeedbackStoreUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
