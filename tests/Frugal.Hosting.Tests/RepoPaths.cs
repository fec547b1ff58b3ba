namespace Frugal.Hosting.Tests;

/// <summary>Finds files of the repository from the test's output folder.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Workflow(string name) => Path.Combine(Root, "workflows", name);

    public static string Sample(string name) => Path.Combine(Root, "workflows", "samples", name);

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Functions.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Functions.sln not found above " + AppContext.BaseDirectory);
    }
}
