namespace Frugal.Costs;

/// <summary>A price file is missing, unreadable or has a missing or invalid field; the message names file and field.</summary>
public sealed class PriceTableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public PriceTableException()
    {
    }

    /// <summary>Creates the exception with a message naming file and field.</summary>
    /// <param name="message">For example <c>prices.json: models.gpt-4o.output: must be &gt;= 0</c>.</param>
    public PriceTableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the error that caused it.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public PriceTableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
