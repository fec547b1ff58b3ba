namespace Frugal.Workflows;

/// <summary>Where a host finds its workflow files (configuration section <c>Frugal:Workflows</c>).</summary>
public sealed class WorkflowsOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Frugal:Workflows";

    /// <summary>The folder of workflow files; a relative path is taken from the app's folder.</summary>
    public string Directory { get; set; } = "workflows";
}
