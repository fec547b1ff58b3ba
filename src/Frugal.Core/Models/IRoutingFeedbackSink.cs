namespace Frugal.Models;

/// <summary>Where labelled routing examples from production go (escalations, results users marked bad).</summary>
public interface IRoutingFeedbackSink
{
    /// <summary>Stores one example.</summary>
    Task AddAsync(RoutingFeedback feedback, CancellationToken cancellationToken);
}
