namespace Frugal.Cli.Commands;

/// <summary>The exit codes of <c>frugal</c>.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;
    public const int RunFailed = 1;
    public const int BadInput = 2;

    /// <summary>A budget refused the runs before any started (the tenant's monthly budget is spent, or it is over its tokens per minute).</summary>
    public const int Refused = 3;

    /// <summary>Stopped by Ctrl+C or SIGTERM (128 + SIGINT, as shells report it).</summary>
    public const int Cancelled = 130;
}
