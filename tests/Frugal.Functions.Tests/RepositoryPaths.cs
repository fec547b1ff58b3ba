using System.Reflection;

namespace Frugal.Functions.Tests;

/// <summary>Where the repository and the build outputs the tests read lie.</summary>
internal static class RepositoryPaths
{
    /// <summary>The repository root, recorded at build time (the csproj's <c>RepositoryRoot</c> metadata).</summary>
    public static string Root { get; } = Path.GetFullPath(Metadata("RepositoryRoot")
        ?? throw new InvalidOperationException("The test assembly lacks its RepositoryRoot metadata; rebuild the test project."));

    /// <summary>The build configuration the tests run under (Debug or Release), taken from the test output folder.</summary>
    public static string Configuration { get; } = TestOutputFolder.Parent?.Name
        ?? throw new InvalidOperationException($"Cannot tell the configuration from '{AppContext.BaseDirectory}'.");

    /// <summary>The target framework folder name (for example net10.0), taken from the test output folder.</summary>
    public static string TargetFramework { get; } = TestOutputFolder.Name;

    /// <summary>The Functions app's build output for the same configuration and framework as the tests.</summary>
    public static string FunctionsOutput { get; } =
        Path.Combine(Root, "src", "Frugal.Functions", "bin", Configuration, TargetFramework);

    /// <summary>A path under the repository root.</summary>
    public static string InRepo(params string[] parts) => Path.Combine([Root, .. parts]);

    /// <summary>An <see cref="AssemblyMetadataAttribute"/> value of the test assembly, or null when it is absent or empty.</summary>
    public static string? Metadata(string key)
    {
        var value = typeof(RepositoryPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == key)?.Value;
        return string.IsNullOrWhiteSpace(value) ? null : value;
    }

    private static DirectoryInfo TestOutputFolder =>
        new(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory));
}
