namespace Frugal.Expressions;

/// <summary>A root name (<c>input</c>, <c>steps</c>, <c>item</c>, <c>index</c>, <c>run</c>) read by an expression.</summary>
/// <param name="Name">The root name.</param>
/// <param name="Offset">0-based offset of the name in the parsed text.</param>
public readonly record struct RootReference(string Name, int Offset);
