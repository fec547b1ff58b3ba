namespace Frugal.Engine;

/// <summary>What a run still allows when a call is built: the orchestrator counts, the activity enforces.</summary>
/// <param name="EscalationsLeft">Escalations the run may still make.</param>
/// <param name="PremiumShareCap">The workflow's premium-share cap for auto steps, if any.</param>
internal readonly record struct RunLimits(int EscalationsLeft, double? PremiumShareCap);
