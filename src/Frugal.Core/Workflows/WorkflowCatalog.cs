using System.Diagnostics.CodeAnalysis;

namespace Frugal.Workflows;

/// <summary>
/// The workflows of a folder, by name. A file that fails to load is reported in <see cref="Errors"/> and left out;
/// the others stay usable.
/// </summary>
public sealed class WorkflowCatalog
{
    private readonly Dictionary<string, WorkflowDefinition> _workflows;

    /// <summary>Creates a catalog from definitions already loaded.</summary>
    /// <param name="workflows">The workflows; names must be unique.</param>
    /// <param name="errors">Problems found while loading, kept for reporting.</param>
    /// <exception cref="ArgumentException">Two workflows share a name.</exception>
    public WorkflowCatalog(IEnumerable<WorkflowDefinition> workflows, IReadOnlyList<WorkflowDiagnostic>? errors = null)
    {
        ArgumentNullException.ThrowIfNull(workflows);
        _workflows = new Dictionary<string, WorkflowDefinition>(StringComparer.Ordinal);
        foreach (var workflow in workflows)
        {
            if (!_workflows.TryAdd(workflow.Name, workflow))
            {
                throw new ArgumentException(
                    $"workflow name '{workflow.Name}' is used by both {_workflows[workflow.Name].File} and {workflow.File}", nameof(workflows));
            }
        }

        Errors = errors ?? [];
    }

    /// <summary>The names of the workflows that loaded, in order.</summary>
    public IReadOnlyList<string> Names => [.. _workflows.Keys.Order(StringComparer.Ordinal)];

    /// <summary>The workflows that loaded.</summary>
    public IReadOnlyCollection<WorkflowDefinition> Workflows => _workflows.Values;

    /// <summary>Every problem in the files that did not load, each as <c>file:line:column: message</c>.</summary>
    public IReadOnlyList<WorkflowDiagnostic> Errors { get; }

    /// <summary>Loads every <c>*.yaml</c> and <c>*.yml</c> file directly in <paramref name="folder"/>.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    public static WorkflowCatalog LoadFolder(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"workflow folder '{Path.GetFullPath(folder)}' does not exist");
        }

        var files = Directory.EnumerateFiles(folder, "*.yaml").Concat(Directory.EnumerateFiles(folder, "*.yml"))
            .Order(StringComparer.Ordinal);
        var loaded = new Dictionary<string, WorkflowDefinition>(StringComparer.Ordinal);
        var errors = new List<WorkflowDiagnostic>();
        foreach (var file in files)
        {
            try
            {
                var workflow = WorkflowLoader.Load(file);
                if (loaded.TryGetValue(workflow.Name, out var first))
                {
                    errors.Add(DuplicateName(workflow, first));
                    continue;
                }

                loaded.Add(workflow.Name, workflow);
            }
            catch (WorkflowValidationException ex)
            {
                errors.AddRange(ex.Diagnostics);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // A file this account may not read is skipped like one that does not load, not the end of the catalog.
                errors.Add(new WorkflowDiagnostic(new SourceLocation(file, 1, 1), $"cannot read the file: {ex.Message}"));
            }
        }

        return new WorkflowCatalog(loaded.Values, errors);
    }

    /// <summary>
    /// This catalog without the workflows whose classify steps name a router the host does not have; each of their
    /// steps is added to <see cref="Errors"/>. Served, such a workflow would fail every run at that step, after the
    /// steps before it had run (and been paid for).
    /// </summary>
    /// <param name="routers">The router names the host has (case-insensitive).</param>
    public WorkflowCatalog WithRouters(IReadOnlyCollection<string> routers)
    {
        ArgumentNullException.ThrowIfNull(routers);
        var errors = new List<WorkflowDiagnostic>(Errors);
        var kept = new List<WorkflowDefinition>();
        foreach (var workflow in _workflows.Values.OrderBy(w => w.Name, StringComparer.Ordinal))
        {
            var unknown = WorkflowRouters.Unknown(workflow, routers);
            if (unknown.Count == 0)
            {
                kept.Add(workflow);
            }
            else
            {
                errors.AddRange(unknown);
            }
        }

        return kept.Count == _workflows.Count ? this : new WorkflowCatalog(kept, errors);
    }

    /// <summary>
    /// The problem with <paramref name="workflow"/> when <paramref name="first"/>, in the same folder, has its name:
    /// a host serves only the first (<c>frugal validate</c> says so too, so that it agrees with <c>frugal serve</c>).
    /// </summary>
    public static WorkflowDiagnostic DuplicateName(WorkflowDefinition workflow, WorkflowDefinition first)
    {
        ArgumentNullException.ThrowIfNull(workflow);
        ArgumentNullException.ThrowIfNull(first);
        return new WorkflowDiagnostic(NameLocation(workflow), $"workflow name '{workflow.Name}' is already used by {first.File}; names must be unique in a folder");
    }

    /// <summary>Finds a workflow by name.</summary>
    public bool TryGet(string name, [MaybeNullWhen(false)] out WorkflowDefinition definition) =>
        _workflows.TryGetValue(name, out definition);

    private static SourceLocation NameLocation(WorkflowDefinition workflow)
    {
        var lines = workflow.Source.Split('\n');
        var index = Array.FindIndex(lines, l => l.StartsWith("name:", StringComparison.Ordinal));
        return index < 0 ? new SourceLocation(workflow.File, 1, 1) : new SourceLocation(workflow.File, index + 1, "name: ".Length + 1);
    }
}
