namespace Frugal.Workflows;

/// <summary>
/// The classify steps of a workflow whose <c>router</c> is not among those a host has: said before anything runs
/// (by <c>frugal validate</c> and <c>frugal run</c>), where a run used to fail at that step, after the steps before it.
/// </summary>
public static class WorkflowRouters
{
    /// <summary>One diagnostic per classify step whose router is not in <paramref name="available"/>.</summary>
    /// <param name="definition">The workflow.</param>
    /// <param name="available">The router names the host has (case-insensitive).</param>
    public static IReadOnlyList<WorkflowDiagnostic> Unknown(WorkflowDefinition definition, IReadOnlyCollection<string> available)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(available);
        var known = new HashSet<string>(available, StringComparer.OrdinalIgnoreCase);
        return [.. definition.Steps
            .Select(s => s is ForEachStep each ? each.Body : s)
            .OfType<ClassifyStep>()
            .Where(c => !known.Contains(c.Router))
            .Select(c => Diagnostic(c, available))];
    }

    /// <summary>The diagnostic for <paramref name="step"/>, whose router is not in <paramref name="available"/>.</summary>
    internal static WorkflowDiagnostic Diagnostic(ClassifyStep step, IReadOnlyCollection<string> available) =>
        new(step.RouterLocation ?? step.Location,
            $"{(step.Id.Length > 0 ? $"step '{step.Id}': " : string.Empty)}router '{step.Router}' is not available; available: {string.Join(", ", available)}");
}
