namespace Frugal.Engine;

/// <summary>Why one call of a batch failed while others were answered.</summary>
/// <param name="Type">The exception's type.</param>
/// <param name="Message">The exception's message.</param>
/// <param name="Retryable">False for bad input, which fails the same way every time.</param>
public sealed record CallFailure(string Type, string Message, bool Retryable);
