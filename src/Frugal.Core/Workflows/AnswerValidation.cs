namespace Frugal.Workflows;

/// <summary>What a valid answer of a model step is; a cheap answer that fails it escalates to premium.</summary>
/// <param name="RequiredFields">Fields a JSON answer must have, non-empty.</param>
/// <param name="DetectRefusal">Whether a refusal ("I can't help with that") counts as invalid.</param>
/// <param name="MinConfidence">The lowest self-reported confidence (a JSON <c>confidence</c> field, or <c>Confidence: 0.8</c> in text) accepted.</param>
public sealed record AnswerValidation(IReadOnlyList<string> RequiredFields, bool DetectRefusal, double? MinConfidence);
