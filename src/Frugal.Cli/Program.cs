Frugal.RegexTimeout.Apply();
return await Frugal.Cli.CliApp.RunAsync(args);
