using Frugal.Workflows;

namespace Frugal.Cli.Local;

/// <summary>Reads a workflow file named on the command line: a missing or unreadable file is bad input, not a crash.</summary>
internal static class WorkflowFileReader
{
    /// <summary>
    /// The files <paramref name="paths"/> name: a folder stands for the workflow files in it (<c>*.yaml</c>,
    /// <c>*.yml</c>, in name order), so <c>frugal validate workflows</c> checks the folder the app deploys. A folder
    /// with none stands for itself, so that <see cref="Read"/> reports it instead of it passing as checked. A file
    /// named twice (<c>workflows workflows/a.yaml</c>, or two globs that overlap) is checked once: the second was
    /// refused as a workflow whose name the first already used.
    /// </summary>
    public static IEnumerable<string> Expand(IEnumerable<string> paths) => paths
        .SelectMany(path => Directory.Exists(path) && ReadableWorkflowFiles(path) is { Length: > 0 } files ? files : [path])
        .DistinctBy(path => path.Length == 0 ? path : Path.GetFullPath(path), StringComparer.Ordinal);

    /// <summary>The workflows in <paramref name="folder"/>, as the app loads them (<c>--workflows</c> of serve and embeddings refresh).</summary>
    /// <exception cref="CliUsageException">The folder is missing or cannot be listed; the message names it.</exception>
    public static WorkflowCatalog LoadFolder(string folder)
    {
        try
        {
            return WorkflowCatalog.LoadFolder(folder);
        }
        catch (DirectoryNotFoundException ex)
        {
            throw new CliUsageException(ex.Message);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CliUsageException($"{folder}: cannot read the folder: {ex.Message}");
        }
    }

    /// <param name="path">The workflow file.</param>
    /// <param name="routers">The routers the host has, to list a classify step naming another with the file's other
    /// problems; null not to check them.</param>
    /// <exception cref="WorkflowValidationException">The workflow is invalid; every problem is listed.</exception>
    /// <exception cref="CliUsageException">The file is missing or cannot be read; the message names it.</exception>
    public static WorkflowDefinition Read(string path, IReadOnlyCollection<string>? routers = null)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            // An unset shell variable (frugal validate "$FILE"): GetFullPath threw on it and frugal ended with exit 1.
            throw new CliUsageException($"'{path}': the workflow file name is empty; name a workflow file (.yaml) or a folder of them");
        }

        if (!File.Exists(path))
        {
            throw new CliUsageException(!Directory.Exists(path) ? $"{path}: workflow file not found" : FolderProblem(path));
        }

        try
        {
            return WorkflowLoader.Load(path, routers);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CliUsageException($"{path}: cannot read the workflow file: {ex.Message}");
        }
    }

    private static string FolderProblem(string folder)
    {
        try
        {
            return WorkflowFiles(folder).Length == 0 ? $"{folder}: is a folder with no workflow files (*.yaml, *.yml) in it"
                : $"{folder}: is a folder; name a workflow file in it";
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A folder this account may not list ended frugal validate with "error: Permission denied", exit 1, and
            // the files named after it unchecked.
            return $"{folder}: cannot read the folder: {ex.Message}";
        }
    }

    /// <summary>The folder's workflow files, or none when it cannot be listed (<see cref="Read"/> then says why).</summary>
    private static string[] ReadableWorkflowFiles(string folder)
    {
        try
        {
            return WorkflowFiles(folder);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    private static string[] WorkflowFiles(string folder) =>
        [.. Directory.EnumerateFiles(folder, "*.yaml").Concat(Directory.EnumerateFiles(folder, "*.yml")).Order(StringComparer.Ordinal)];
}
