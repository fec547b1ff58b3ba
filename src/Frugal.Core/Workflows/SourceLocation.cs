namespace Frugal.Workflows;

/// <summary>A position in a workflow file, 1-based, as editors and compilers print it.</summary>
/// <param name="File">The file the position is in.</param>
/// <param name="Line">1-based line.</param>
/// <param name="Column">1-based column, in UTF-16 code units from the start of the line (the convention
/// <see cref="JsonErrors"/> explains).</param>
public sealed record SourceLocation(string File, int Line, int Column)
{
    /// <inheritdoc />
    public override string ToString() => $"{File}:{Line}:{Column}";
}
