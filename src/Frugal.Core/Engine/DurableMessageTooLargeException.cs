namespace Frugal.Engine;

/// <summary>
/// A step's request is over the size Durable Task allows one message (a run's output that large goes by reference on
/// the local host; runs that failed with it before that still say so). The same workflow version and input fail the
/// same way every time, so a run that failed with it is not started again by a rerun on a <c>--store</c> (it had paid
/// for the model calls of the steps before it, and would pay for them again).
/// </summary>
public sealed class DurableMessageTooLargeException : InvalidOperationException
{
    /// <summary>What every message of this failure says (<see cref="FrugalDataConverter"/> writes them).</summary>
    internal const string Phrase = " MB Durable Task allows";

    /// <summary>
    /// Whether a run's failure text is this failure. Its type does not survive every backend: Azure Storage keeps a
    /// failed run's message as its output, with no failure details.
    /// </summary>
    /// <param name="failure">The failure message, or the failed run's output.</param>
    public static bool Explains(string? failure) => failure?.Contains(Phrase, StringComparison.Ordinal) == true;

    /// <summary>Creates the exception.</summary>
    public DurableMessageTooLargeException()
    {
    }

    /// <summary>Creates the exception with its message.</summary>
    public DurableMessageTooLargeException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its message and cause.</summary>
    public DurableMessageTooLargeException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
