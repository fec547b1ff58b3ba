namespace Frugal.Functions.Hosting;

/// <summary>How the Functions worker reports a configuration it cannot start with.</summary>
internal static class StartupErrors
{
    /// <summary>
    /// Runs the app (<paramref name="run"/> builds and runs it). A configuration error (a setting that is not of its
    /// type or breaks its rule, a price file, a router folder) is written to <paramref name="error"/> one line each,
    /// naming the key and what it takes, and the worker exits with 2: the Functions host logs what the worker writes
    /// to standard error, where .NET's own message named a type instead of the values the key takes, under a stack
    /// trace. The frugal CLI and the inference app report the same errors the same way.
    /// </summary>
    public static int RunReportingConfigurationErrors(TextWriter error, Action run)
    {
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(run);
        try
        {
            run();
            return 0;
        }
        catch (Exception ex) when (ConfigurationErrors.Describe(ex) is { } errors)
        {
            foreach (var line in errors)
            {
                error.WriteLine(line);
            }

            return 2;
        }
    }
}
