using Spectre.Console;

namespace Frugal.Cli;

/// <summary>The Spectre console every command writes its tables to.</summary>
internal static class CliConsole
{
    /// <summary>
    /// A console over <paramref name="output"/>: colours and the terminal's width on an interactive terminal; plain text
    /// 200 columns wide for files, pipes and tests, which have no width, since a wide table beats one wrapped into
    /// unreadable columns.
    /// </summary>
    public static IAnsiConsole For(TextWriter output)
    {
        bool terminal = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
        });
        if (!terminal)
        {
            console.Profile.Width = 200;
        }

        return console;
    }
}
