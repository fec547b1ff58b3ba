namespace Frugal.Models;

/// <summary>Where labelled routing examples from production go (escalations, results users marked bad).</summary>
public interface IRoutingFeedbackSink
{
    /// <summary>Stores one labelled example.</summary>
    Task AddAsync(RoutingFeedback feedback, CancellationToken cancellationToken);

    /// <summary>Remembers a model call's prompt and tier, so a user's later verdict on that step can become an example.</summary>
    Task RememberAsync(string runId, string stepId, string tier, string? system, string prompt, CancellationToken cancellationToken);
}
