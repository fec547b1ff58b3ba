namespace Frugal.Workflows;

/// <summary>One JSON Schema violation: where (a JSON pointer into the instance) and what was expected.</summary>
/// <param name="Pointer">JSON pointer (RFC 6901) to the offending value; "" is the whole document.</param>
/// <param name="Message">What was expected, in words a user can act on.</param>
/// <param name="AtKey">True when the property's name is the problem (an unknown property), so the key's position fits best.</param>
internal sealed record SchemaViolation(string Pointer, string Message, bool AtKey);
