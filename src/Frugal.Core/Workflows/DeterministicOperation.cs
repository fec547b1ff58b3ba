namespace Frugal.Workflows;

/// <summary>What a <c>deterministic</c> step does; none of them calls a model.</summary>
public enum DeterministicOperation
{
    /// <summary>Renders a template.</summary>
    Template,

    /// <summary>Extracts named groups (or the whole match) with a regular expression.</summary>
    Regex,

    /// <summary>Looks a normalised key up in a table.</summary>
    Lookup,
}
