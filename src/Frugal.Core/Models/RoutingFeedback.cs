namespace Frugal.Models;

/// <summary>
/// A labelled routing example learnt in production, in the training CSV's terms: how well the cheap and the
/// premium tier did on this prompt (0 to 1).
/// </summary>
/// <param name="RunId">The run.</param>
/// <param name="StepId">The step (with the item index in a foreach).</param>
/// <param name="Source">Where the label came from: <c>escalation</c> or <c>user</c>.</param>
/// <param name="System">The system prompt, if any.</param>
/// <param name="Prompt">The user prompt as sent.</param>
/// <param name="CheapScore">How well cheap did.</param>
/// <param name="PremiumScore">How well premium did.</param>
public sealed record RoutingFeedback(string RunId, string StepId, string Source, string? System, string Prompt, double CheapScore, double PremiumScore);
