using Frugal.Workflows;

namespace Frugal.Cli.Local;

/// <summary>One run input read from a file, with where it came from.</summary>
/// <param name="Label">Where the input came from, e.g. <c>tickets.jsonl:3</c>.</param>
/// <param name="Input">The input, checked against the workflow's input schema.</param>
internal sealed record RunInput(string Label, ValidatedInput Input);
