using System.CommandLine;
using Frugal.Cli.Commands;

var root = new RootCommand("Frugal: AI workflows that keep the bill under control.")
{
    RunCommand.Create(),
    ServeCommand.Create(),
    ValidateCommand.Create(),
    EmulateCommand.Create(),
};

var parse = root.Parse(args);
if (parse.Errors.Count > 0)
{
    foreach (var error in parse.Errors)
    {
        Console.Error.WriteLine(error.Message);
    }

    Console.Error.WriteLine("Run 'frugal --help' for usage.");
    return ExitCodes.BadInput;
}

return await parse.InvokeAsync();
