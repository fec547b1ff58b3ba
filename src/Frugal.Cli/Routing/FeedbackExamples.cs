using Frugal.Cli.Costs;
using Frugal.Cli.Local;
using Frugal.Routing;
using Frugal.Routing.Feedback;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Frugal.Cli.Routing;

/// <summary>Reads the examples the production feedback loop stored, as training rows.</summary>
internal static class FeedbackExamples
{
    /// <summary>
    /// Reads the examples of the store <paramref name="store"/> names: a SQLite file, or a storage account (an Azure
    /// Storage connection string or its table endpoint, read as the signed-in user) whose table <paramref name="table"/>
    /// keeps them (<c>Frugal:Routing:Feedback:Store</c> <c>table</c>: the Functions app's).
    /// </summary>
    /// <exception cref="RoutingDataException">The file is not a feedback store (not SQLite, or another database such as
    /// the cost ledger), or the account has no such table; the message names it.</exception>
    /// <exception cref="FeedbackStoreUnavailableException">The account cannot be read (unreachable, the sign-in or key
    /// refused); the message names it and says why.</exception>
    public static async Task<List<RoutingExample>> ReadAsync(string store, string table, CancellationToken cancellationToken)
    {
        IRoutingFeedbackStore feedback;
        if (LedgerStore.IsAzure(store))
        {
            feedback = await OpenTableAsync(store, table);
        }
        else
        {
            // Opened read-only first: the store creates its tables in whatever file it is given, so the cost ledger passed
            // by mistake got two empty feedback tables and trained on "0 example(s)", and a file that is not SQLite failed
            // with "SQLite Error 26" naming no file.
            await EnsureFeedbackStoreAsync(store, cancellationToken);
            feedback = new SqliteRoutingFeedbackStore(Options.Create(new RoutingFeedbackOptions { Enabled = true, Path = store }), TimeProvider.System);
        }

        var examples = new List<RoutingExample>();
        try
        {
            await foreach (var example in feedback.ReadExamplesAsync(cancellationToken))
            {
                // The user prompt alone: classify steps score the request text, not the system prompt.
                examples.Add(new RoutingExample($"feedback-{example.RunId}-{example.StepId}-{example.Source}", $"feedback/{example.Source}", example.Prompt, example.CheapScore, example.PremiumScore));
            }
        }
        catch (Exception ex) when (LedgerStore.IsAzure(store) && StorageErrors.Describe(ex) is { } reason)
        {
            throw new FeedbackStoreUnavailableException($"cannot read the feedback table '{table}' of the storage account in --feedback: {reason}", ex);
        }

        return examples;
    }

    private static async Task<IRoutingFeedbackStore> OpenTableAsync(string store, string table)
    {
        bool exists;
        try
        {
            exists = await LedgerStore.TableExistsAsync(store, table);
        }
        catch (Exception ex) when (StorageErrors.Describe(ex) is { } reason)
        {
            throw new FeedbackStoreUnavailableException($"cannot read the feedback table '{table}' of the storage account in --feedback: {reason}", ex);
        }

        // Reading a table creates it: a misspelt name would train on "0 example(s)" and leave an empty table behind.
        if (!exists)
        {
            throw new RoutingDataException($"--feedback-table: the storage account in --feedback has no table '{table}' (the feedback loop keeps its examples in {new RoutingFeedbackOptions().TableName} unless Frugal:Routing:Feedback:TableName says otherwise)");
        }

        var client = LedgerStore.TableClientOf(store, table);
        return new TableRoutingFeedbackStore(client);
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
