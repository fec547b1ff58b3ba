return await Frugal.Cli.CliApp.RunAsync(args);
