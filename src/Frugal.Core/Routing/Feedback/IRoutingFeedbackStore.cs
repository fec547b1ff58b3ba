using Frugal.Models;

namespace Frugal.Routing.Feedback;

/// <summary>
/// Keeps production routing feedback: the prompts of recent model calls (so a user's verdict on a step can be
/// labelled) and the labelled examples themselves, which <c>frugal router train --feedback</c> adds to its data.
/// A SQLite file (<see cref="SqliteRoutingFeedbackStore"/>) for one host, or Azure Table storage
/// (<see cref="TableRoutingFeedbackStore"/>) shared by every instance of a scaled-out app.
/// </summary>
public interface IRoutingFeedbackStore : IRoutingFeedbackSink
{
    /// <summary>
    /// Turns a user's verdict on a step into an example: a bad cheap answer says premium was needed (cheap 0, premium 1),
    /// a bad premium answer that neither did well (0, 0), a good cheap answer that cheap was enough (1, 1). A good
    /// premium answer says nothing about cheap and is not kept. A verdict replaces the step's earlier one, so a good
    /// premium answer's also removes a bad one given before.
    /// </summary>
    /// <returns>
    /// The tier of the judged call (<c>cheap</c> or <c>premium</c>), which says whether an example was kept; null when
    /// the step's call is unknown.
    /// </returns>
    Task<string?> MarkAsync(string runId, string stepId, bool good, CancellationToken cancellationToken);

    /// <summary>
    /// The recorded calls of a foreach step's items (<c>each[0]</c>, <c>each[1]</c>, ...) in item order, at most
    /// <paramref name="limit"/>: a verdict judges one item's call, and the run reports the step by its own id.
    /// </summary>
    Task<IReadOnlyList<string>> ItemStepsAsync(string runId, string stepId, int limit, CancellationToken cancellationToken);

    /// <summary>Every labelled example, oldest first.</summary>
    IAsyncEnumerable<RoutingFeedback> ReadExamplesAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Deletes what is older than retention allows: remembered calls (the prompts a verdict is matched to) made before
    /// <paramref name="callsBefore"/>, and labelled examples made before <paramref name="examplesBefore"/>. Both hold
    /// prompt text.
    /// </summary>
    /// <returns>How many calls and examples were deleted.</returns>
    Task<(int Calls, int Examples)> PurgeAsync(DateTimeOffset callsBefore, DateTimeOffset examplesBefore, CancellationToken cancellationToken);

    /// <summary>
    /// Counts what <see cref="PurgeAsync"/> would delete given the same cut-offs, deleting nothing (<c>frugal purge --dry-run</c>).
    /// </summary>
    /// <returns>How many calls and examples a purge would delete now.</returns>
    Task<(int Calls, int Examples)> CountAsync(DateTimeOffset callsBefore, DateTimeOffset examplesBefore, CancellationToken cancellationToken);
}
