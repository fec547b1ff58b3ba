namespace Frugal.Workflows;

#pragma warning disable CA1720 // "Pointer" is a JSON pointer here, not a type name.

/// <summary>One way a run input breaks its workflow's input schema.</summary>
/// <param name="Pointer">JSON pointer (RFC 6901) to the offending value; "" is the whole input.</param>
/// <param name="Message">What was expected there.</param>
public sealed record InputViolation(string Pointer, string Message);
