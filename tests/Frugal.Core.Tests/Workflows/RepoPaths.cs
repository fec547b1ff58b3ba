namespace Frugal.Core.Tests.Workflows;

/// <summary>Finds the repository from the test binaries, so tests read the real workflow files.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Workflows => Path.Combine(Root, "workflows");

    public static string Workflow(string name) => Path.Combine(Workflows, name);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Functions.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No Functions.sln above {AppContext.BaseDirectory}");
    }
}
