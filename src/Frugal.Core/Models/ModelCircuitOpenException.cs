namespace Frugal.Models;

/// <summary>
/// A model call held back by an open circuit: nothing was sent, so nothing was billed. Its own type so that the
/// engine waits out a circuit's break before trying the step again, instead of its usual 1 s and 2 s, which both
/// fell inside the default 15 s break and failed the step without a call being made.
/// </summary>
public sealed class ModelCircuitOpenException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ModelCircuitOpenException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    public ModelCircuitOpenException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
