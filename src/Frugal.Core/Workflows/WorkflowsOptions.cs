namespace Frugal.Workflows;

/// <summary>Where a host finds its workflow files (configuration section <c>Frugal:Workflows</c>).</summary>
public sealed class WorkflowsOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Frugal:Workflows";

    /// <summary>The folder of workflow files; a relative path is taken from the app's folder.</summary>
    public string Directory { get; set; } = "workflows";

    /// <summary>The folder's full path: <see cref="Directory"/>, or, when relative, under the app's folder.</summary>
    /// <returns>The path.</returns>
    public string FolderPath() => Path.GetFullPath(Path.IsPathRooted(Directory) ? Directory : Path.Combine(AppContext.BaseDirectory, Directory));
}
