using System.CommandLine;
using Frugal.Cli.Commands;

namespace Frugal.Cli;

/// <summary>Builds the <c>frugal</c> root command and runs it; options that do not parse exit with code 2.</summary>
internal static class CliApp
{
    public const int UsageExitCode = ExitCodes.BadInput;

    public static RootCommand CreateRoot() => new("frugal: run AI workflows and keep their bill under control")
    {
        RunCommand.Create(),
        ServeCommand.Create(),
        ValidateCommand.Create(),
        EmulateCommand.Create(),
        CostCommand.Create(),
        PurgeCommand.Create(),
        PlanCommand.Create(),
        RouterCommand.Create(),
        ReplayCommand.Create(),
        EmbeddingsCommand.Create(),
    };

    public static async Task<int> RunAsync(string[] args, TextWriter? output = null, TextWriter? error = null, CancellationToken cancellationToken = default)
    {
        var result = CreateRoot().Parse(args);
        var configuration = new InvocationConfiguration
        {
            Output = output ?? Console.Out,
            Error = error ?? Console.Error,
            EnableDefaultExceptionHandler = false,

            // Ctrl+C and SIGTERM cancel the command's token; this is how long it may then take to let the steps in
            // flight finish (LocalRuntime.DrainTimeout), say what finished and stop its host before the
            // process ends anyway (System.CommandLine's default is 2 s).
            ProcessTerminationTimeout = Local.LocalRuntime.DrainTimeout + TimeSpan.FromSeconds(5),
        };
        try
        {
            int exitCode = await result.InvokeAsync(configuration, cancellationToken);
            return result.Errors.Count > 0 ? UsageExitCode : exitCode;
        }
        catch (OperationCanceledException)
        {
            // Ctrl+C or SIGTERM in a command that has nothing of its own to report (router train, eval, replay):
            // the same exit code as the commands that do, not an unhandled exception and its stack trace (exit 134).
            await configuration.Error.WriteLineAsync("cancelled");
            return Commands.ExitCodes.Cancelled;
        }
        catch (Exception ex) when (ConfigurationErrors.Describe(ex) is { } errors)
        {
            // Bad configuration (a price file, a router folder, an option, a setting that is not of its type) stops
            // start-up; say what and where, no stack trace.
            foreach (var line in errors)
            {
                await configuration.Error.WriteLineAsync(line);
            }

            return UsageExitCode;
        }
        catch (Local.CliUsageException ex)
        {
            // Bad input found where the command could not say so itself (an embeddings cache that is not one).
            await configuration.Error.WriteLineAsync(ex.Message);
            return UsageExitCode;
        }
        catch (Exception ex) when (Environment.GetEnvironmentVariable("FRUGAL_DEBUG") is not ("1" or "true"))
        {
            // Anything else is a failure frugal did not foresee: one line and exit 1, not an unhandled exception, its
            // stack trace and exit 134 (FRUGAL_DEBUG=1 lets it through, with the stack trace, for a bug report). A path
            // that cannot be read or written is one of them too: the paths a user names are checked where they are
            // read or written (exit 2, naming the option or path); one failing here is frugal's own (an index it keeps,
            // a folder it makes), which was reported as bad input (exit 2) though no input of the user's was wrong.
            await configuration.Error.WriteLineAsync($"error: {ex.GetBaseException().Message.ReplaceLineEndings(" ")} (FRUGAL_DEBUG=1 shows where)");
            return Commands.ExitCodes.RunFailed;
        }
    }
}
