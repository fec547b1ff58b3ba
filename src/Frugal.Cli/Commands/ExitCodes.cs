namespace Frugal.Cli.Commands;

/// <summary>The exit codes of <c>frugal</c>.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;
    public const int RunFailed = 1;
    public const int BadInput = 2;
}
