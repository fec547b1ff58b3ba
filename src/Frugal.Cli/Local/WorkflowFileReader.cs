using Frugal.Workflows;

namespace Frugal.Cli.Local;

/// <summary>Reads a workflow file named on the command line: a missing or unreadable file is bad input, not a crash.</summary>
internal static class WorkflowFileReader
{
    /// <exception cref="WorkflowValidationException">The workflow is invalid; every problem is listed.</exception>
    /// <exception cref="CliUsageException">The file is missing or cannot be read; the message names it.</exception>
    public static WorkflowDefinition Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new CliUsageException($"{path}: workflow file not found");
        }

        try
        {
            return WorkflowLoader.Load(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CliUsageException($"{path}: cannot read the workflow file: {ex.Message}");
        }
    }
}
