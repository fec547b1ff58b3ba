using Frugal.Cli;

namespace Frugal.Hosting.Tests.Cli;

/// <summary>Runs the <c>frugal</c> command in process, as a user would type it, capturing what it prints.</summary>
internal static class CliRunner
{
    public static async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await CliApp.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }
}
