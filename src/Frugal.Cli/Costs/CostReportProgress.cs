using Frugal.Costs.Reports;
using Spectre.Console;

namespace Frugal.Cli.Costs;

/// <summary>
/// Shows a long report's progress on standard error: a Spectre progress display when standard error is a terminal,
/// otherwise a line every <see cref="CostReport.ProgressInterval"/> records (so logs and CI show it too).
/// </summary>
internal static class CostReportProgress
{
    public static async Task<CostReportResult> RunAsync(CostReport report, CostReportRequest request, TextWriter error, CancellationToken cancellationToken)
    {
        if (Console.IsErrorRedirected || !ReferenceEquals(error, Console.Error))
        {
            return await report.BuildAsync(request, new SyncProgress(count => error.WriteLine($"read {count:N0} cost records")), cancellationToken);
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        CostReportResult? result = null;
        await console.Progress()
            .Columns(new SpinnerColumn(), new TaskDescriptionColumn(), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask("reading cost records").IsIndeterminate();
                result = await report.BuildAsync(request, new SyncProgress(count => task.Description = $"read {count:N0} cost records"), cancellationToken);
                task.StopTask();
            });
        return result!;
    }

    // Progress<T> posts to the thread pool, so lines could arrive after the report; this reports in line.
    private sealed class SyncProgress(Action<long> report) : IProgress<long>
    {
        public void Report(long value) => report(value);
    }
}
