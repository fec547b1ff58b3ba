namespace Frugal.Routing.Feedback;

/// <summary>
/// The production feedback loop (configuration section <c>Frugal:Routing:Feedback</c>). Off by default: it keeps
/// prompt text, which the cost ledger never does without a tenant's consent.
/// </summary>
public sealed class RoutingFeedbackOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Frugal:Routing:Feedback";

    /// <summary>Whether escalations and user verdicts become labelled examples.</summary>
    public bool Enabled { get; set; }

    /// <summary>The SQLite file that keeps them.</summary>
    public string Path { get; set; } = ".frugal/feedback.db";
}
