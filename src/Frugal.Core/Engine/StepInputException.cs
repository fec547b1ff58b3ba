namespace Frugal.Engine;

/// <summary>A step got input it cannot work with. Deterministic, so the engine does not retry it.</summary>
public sealed class StepInputException : Exception
{
    /// <summary>Creates the exception.</summary>
    public StepInputException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    public StepInputException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
