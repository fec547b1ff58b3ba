namespace Frugal.Cli.Commands;

/// <summary>The exit codes of <c>frugal</c>.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;
    public const int RunFailed = 1;
    public const int BadInput = 2;

    /// <summary>A budget refused the runs before any started (the tenant's monthly budget is spent, or it is over its tokens per minute).</summary>
    public const int Refused = 3;
}
