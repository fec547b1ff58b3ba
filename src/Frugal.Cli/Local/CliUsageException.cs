namespace Frugal.Cli.Local;

/// <summary>Bad input to a command: printed as it is and the command exits with code 2.</summary>
internal sealed class CliUsageException(string message) : Exception(message);
