namespace Frugal.Routing;

/// <summary>A labelled routing file is wrong; the message names the file and the line.</summary>
public sealed class RoutingDataException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="RoutingDataException"/> class.</summary>
    public RoutingDataException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="RoutingDataException"/> class.</summary>
    /// <param name="message">What is wrong, and where.</param>
    public RoutingDataException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="RoutingDataException"/> class.</summary>
    /// <param name="message">What is wrong, and where.</param>
    /// <param name="innerException">The parser's error.</param>
    public RoutingDataException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
