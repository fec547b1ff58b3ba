namespace Frugal.Routing;

/// <summary>A router folder cannot be used: missing, corrupt, or trained with another embedding model. The message
/// names the file.</summary>
public sealed class RouterLoadException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="RouterLoadException"/> class.</summary>
    public RouterLoadException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="RouterLoadException"/> class.</summary>
    /// <param name="message">What is wrong, naming the file.</param>
    public RouterLoadException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="RouterLoadException"/> class.</summary>
    /// <param name="message">What is wrong, naming the file.</param>
    /// <param name="innerException">The cause.</param>
    public RouterLoadException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
