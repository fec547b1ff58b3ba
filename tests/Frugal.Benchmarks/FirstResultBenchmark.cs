using System.Diagnostics;

namespace Frugal.Benchmarks;

/// <summary>How long the README's first command takes, from start to its first printed result, once built.</summary>
internal static class FirstResultBenchmark
{
    public static async Task<(double FirstResult, double Total)> MeasureAsync(string root, string fileName, string arguments)
    {
        var start = new ProcessStartInfo(fileName, arguments)
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment.Remove("Frugal__Models__Cheap__Endpoint");
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {fileName}");
        double first = -1;
        _ = process.StandardError.ReadToEndAsync();
        while (await process.StandardOutput.ReadLineAsync() is { } line)
        {
            if (first < 0 && line.StartsWith("[1/", StringComparison.Ordinal))
            {
                first = clock.Elapsed.TotalSeconds;
            }
        }

        await process.WaitForExitAsync();
        if (process.ExitCode != 0 || first < 0)
        {
            throw new InvalidOperationException($"'{fileName} {arguments}' exited {process.ExitCode} without printing a result");
        }

        return (first, clock.Elapsed.TotalSeconds);
    }
}
