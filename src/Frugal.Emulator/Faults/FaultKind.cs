namespace Frugal.Emulator;

/// <summary>A fault the emulator can inject into an answer.</summary>
internal enum FaultKind
{
    None,
    RateLimit,
    ServerError,
    ServiceUnavailable,
    Timeout,
}
