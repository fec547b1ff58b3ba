using Frugal.Routing;
using Frugal.Routing.Feedback;
using Microsoft.Extensions.Options;

namespace Frugal.Cli.Routing;

/// <summary>Reads the examples the production feedback loop stored, as training rows.</summary>
internal static class FeedbackExamples
{
    public static async Task<List<RoutingExample>> ReadAsync(string path, CancellationToken cancellationToken)
    {
        var store = new SqliteRoutingFeedbackStore(Options.Create(new RoutingFeedbackOptions { Enabled = true, Path = path }), TimeProvider.System);
        var examples = new List<RoutingExample>();
        await foreach (var feedback in store.ReadExamplesAsync(cancellationToken))
        {
            // The user prompt alone: classify steps score the request text, not the system prompt.
            var prompt = feedback.Prompt;
            examples.Add(new RoutingExample($"feedback-{feedback.RunId}-{feedback.StepId}-{feedback.Source}", $"feedback/{feedback.Source}", prompt, feedback.CheapScore, feedback.PremiumScore));
        }

        return examples;
    }
}
