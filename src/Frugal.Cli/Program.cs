using System.CommandLine;
using Frugal.Cli.Commands;

var root = new RootCommand("Frugal: AI workflows that keep the bill under control.");
root.Subcommands.Add(EmulateCommand.Create());
return await root.Parse(args).InvokeAsync();
