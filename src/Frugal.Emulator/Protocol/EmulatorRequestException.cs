namespace Frugal.Emulator.Protocol;

/// <summary>A request the emulator refuses with 400, with a message naming what was wrong and where.</summary>
internal sealed class EmulatorRequestException(string message, string? param = null) : Exception(message)
{
    public string? Param { get; } = param;
}
