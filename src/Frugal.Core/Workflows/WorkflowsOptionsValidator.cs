using Microsoft.Extensions.Options;

namespace Frugal.Workflows;

/// <summary>
/// Checks <see cref="WorkflowsOptions"/> at start-up. The catalog is read at the first request: a folder that did not
/// exist failed that request (and each after it) with DirectoryNotFoundException, and an empty setting read the app's
/// own folder, which holds no workflow, so every run was refused as naming an unknown workflow.
/// </summary>
internal sealed class WorkflowsOptionsValidator : IValidateOptions<WorkflowsOptions>
{
    private const string Key = WorkflowsOptions.SectionName + ":" + nameof(WorkflowsOptions.Directory);

    public ValidateOptionsResult Validate(string? name, WorkflowsOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.Directory))
        {
            return ValidateOptionsResult.Fail($"{Key} must name the folder of workflow files (a relative path is taken from the app's folder; the default is 'workflows').");
        }

        var path = options.FolderPath();
        var where = path == options.Directory ? string.Empty : $" (taken from the app's folder: {path})";
        return Directory.Exists(path) ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"{Key} '{options.Directory}' {(File.Exists(path) ? "is a file" : "does not exist")}{where}; it must name the folder of workflow files.");
    }
}
