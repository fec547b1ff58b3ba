namespace Frugal.Workflows;

/// <summary>How one step refers to another.</summary>
internal enum StepLinkKind
{
    Needs,
    Route,
    Expression,
}

/// <summary>A reference from one step (or the output) to a step id, with where it is written.</summary>
internal sealed record StepLink(string StepId, StepLinkKind Kind, SourceLocation Location);
