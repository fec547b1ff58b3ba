using Frugal.Routing;
using Frugal.Routing.Feedback;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Frugal.Cli.Routing;

/// <summary>Reads the examples the production feedback loop stored, as training rows.</summary>
internal static class FeedbackExamples
{
    /// <exception cref="RoutingDataException">The file is not a feedback store (not SQLite, or another database such as
    /// the cost ledger); the message names it.</exception>
    public static async Task<List<RoutingExample>> ReadAsync(string path, CancellationToken cancellationToken)
    {
        // Opened read-only first: the store creates its tables in whatever file it is given, so the cost ledger passed
        // by mistake got two empty feedback tables and trained on "0 example(s)", and a file that is not SQLite failed
        // with "SQLite Error 26" naming no file.
        await EnsureFeedbackStoreAsync(path, cancellationToken);
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

    private static async Task EnsureFeedbackStoreAsync(string path, CancellationToken cancellationToken)
    {
        var connectionString = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString();
        try
        {
            await using var connection = new SqliteConnection(connectionString);
            await connection.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'examples'";
            if (Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture) == 0)
            {
                throw new RoutingDataException($"{path}: not a feedback store: it has no 'examples' table (the store is Frugal:Routing:Feedback:Path, e.g. .frugal/feedback.db)");
            }
        }
        catch (SqliteException ex)
        {
            throw new RoutingDataException($"{path}: not a feedback store: {ex.Message}", ex);
        }
    }
}
