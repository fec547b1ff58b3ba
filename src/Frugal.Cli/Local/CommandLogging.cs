using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Frugal.Cli.Local;

/// <summary>
/// The runtime's log for a command (<c>frugal run</c>, <c>serve</c>, <c>replay</c>): warnings and errors of Frugal's
/// own code (a step retried, a premium call downgraded by a budget, cost records that could not be written), and the
/// libraries' critical ones, one line each on the command's error writer. Before, the local host ran with no logger at
/// all and every one of them was lost. <c>Logging:LogLevel</c> settings change the levels
/// (<c>Logging__LogLevel__Frugal=Information</c>).
/// </summary>
/// <remarks>
/// Hand-written provider: Microsoft.Extensions.Logging.Console writes to the process's console on a thread of its own,
/// not to the writer a command is given (which tests read, and which keeps the order of the command's own lines).
/// </remarks>
internal static class CommandLogging
{
    public static ILoggerFactory Create(IConfiguration configuration, TextWriter writer) =>
        LoggerFactory.Create(logging => logging
            // The libraries' errors repeat what Frugal's own lines and the command's messages say, each in its own words:
            // a failed model call (Polly, Microsoft.Extensions.AI) after Frugal's line about its step, a failed start
            // (Microsoft.Extensions.Hosting, DurableTask.AzureStorage) before the command's "configuration error".
            .SetMinimumLevel(LogLevel.Critical)
            .AddFilter("Frugal", LogLevel.Warning)

            // After the defaults, so that its rules for the same categories are the ones taken.
            .AddConfiguration(configuration.GetSection("Logging"))
            .AddProvider(new WriterLoggerProvider(writer)));

    private sealed class WriterLoggerProvider(TextWriter writer) : ILoggerProvider
    {
        private readonly Lock _gate = new();

        public ILogger CreateLogger(string categoryName) => new WriterLogger(this);

        public void Dispose()
        {
        }

        private void Write(string line)
        {
            lock (_gate)
            {
                writer.WriteLine(line);
            }
        }

        private sealed class WriterLogger(WriterLoggerProvider provider) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var message = formatter(state, exception);
                if (exception is not null)
                {
                    message += $" ({exception.GetType().Name}: {exception.Message})";
                }

                provider.Write($"{Label(logLevel)}: {message.ReplaceLineEndings(" ")}");
            }

            private static string Label(LogLevel level) => level switch
            {
                LogLevel.Critical => "critical",
                LogLevel.Error => "error",
                LogLevel.Warning => "warning",
                LogLevel.Information => "info",
                _ => "debug",
            };
        }
    }
}
