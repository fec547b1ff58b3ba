using System.Diagnostics;

namespace Frugal.Functions.Tests.Infra;

/// <summary>
/// The Bicep compiler restored by the test project (PackageDownload of Azure.Bicep.CommandLine.linux-x64), or the
/// one named by FRUGAL_BICEP.
/// </summary>
internal static class BicepCli
{
    private const string PackageId = "azure.bicep.commandline.linux-x64";

    /// <summary>Full path of the bicep executable, or null when it is not there (see <see cref="MissingReason"/>).</summary>
    public static string? Path { get; } = Locate(out s_missingReason);

    private static readonly string? s_missingReason;

    /// <summary>Why <see cref="Path"/> is null; null when the compiler was found.</summary>
    public static string? MissingReason => s_missingReason;

    /// <summary>Runs bicep with <paramref name="arguments"/> in <paramref name="workingDirectory"/>.</summary>
    public static async Task<(int ExitCode, string StdOut, string StdErr)> RunAsync(
        string workingDirectory, CancellationToken cancellationToken, params string[] arguments)
    {
        var start = new ProcessStartInfo(Path ?? throw new InvalidOperationException(MissingReason))
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // Bicep checks for a newer version and module registries only when asked; keep it off the network anyway.
        start.Environment["BICEP_TRACING_ENABLED"] = "false";
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {Path}");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return (process.ExitCode, await stdout, await stderr);
    }

    private static string? Locate(out string? missingReason)
    {
        missingReason = null;
        var fromEnvironment = Environment.GetEnvironmentVariable("FRUGAL_BICEP");
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            if (File.Exists(fromEnvironment))
            {
                return fromEnvironment;
            }

            missingReason = $"FRUGAL_BICEP names '{fromEnvironment}', which does not exist.";
            return null;
        }

        var packageRoot = RepositoryPaths.Metadata("NuGetPackageRoot");
        var version = RepositoryPaths.Metadata("BicepVersion");
        if (packageRoot is null || version is null)
        {
            missingReason = "the test assembly lacks NuGetPackageRoot/BicepVersion metadata; restore the test project.";
            return null;
        }

        var candidate = System.IO.Path.Combine(packageRoot, PackageId, version, "tools", "bicep");
        if (!File.Exists(candidate))
        {
            missingReason = $"the Bicep CLI package {PackageId} {version} is not restored at {candidate} "
                + "(it is restored on linux-x64 only; set FRUGAL_BICEP to a bicep executable elsewhere).";
            return null;
        }

        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(candidate) & UnixFileMode.UserExecute) == 0)
        {
            // NuGet extraction may drop the execute bit; the package folder is ours to fix.
            File.SetUnixFileMode(candidate, File.GetUnixFileMode(candidate) | UnixFileMode.UserExecute);
        }

        return candidate;
    }
}
