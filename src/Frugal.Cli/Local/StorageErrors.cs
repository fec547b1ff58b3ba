using Azure;
using Azure.Data.Tables;
using Microsoft.Data.Sqlite;

namespace Frugal.Cli.Local;

/// <summary>
/// One line for a storage failure a user can act on (a wrong key, an unreachable account, a damaged file), instead of
/// the Azure SDK's "Retry failed after 6 tries" with its inner exceptions and stack traces.
/// </summary>
internal static class StorageErrors
{
    /// <summary>What went wrong, or null when <paramref name="ex"/> is not a storage failure.</summary>
    public static string? Describe(Exception? ex) => ex switch
    {
        SqliteException sqlite => sqlite.Message,
        RequestFailedException { Status: 0 } unanswered => FirstLine(unanswered.Message),
        RequestFailedException request => $"HTTP {request.Status}{(request.ErrorCode is { } code ? $" {code}" : string.Empty)}: {FirstLine(request.Message)}",
        AggregateException aggregate when aggregate.InnerExceptions.Count > 0 && aggregate.InnerExceptions.All(e => Describe(e) is not null)
            => Describe(aggregate.InnerExceptions[^1]) + (aggregate.InnerExceptions.Count > 1 ? $" (after {aggregate.InnerExceptions.Count} tries)" : string.Empty),
        HttpRequestException http => http.Message,

        // A table endpoint is read as the signed-in user: no sign-in, or one the account refuses.
        Azure.Identity.CredentialUnavailableException or Azure.Identity.AuthenticationFailedException
            => ex is Azure.Identity.CredentialUnavailableException
                ? "no Azure sign-in to read it with (DefaultAzureCredential found none: az login, AZURE_* environment variables or a managed identity); sign in, or pass a connection string"
                : $"the Azure sign-in was refused: {FirstLine(ex.Message)}",
        _ => null,
    };

    /// <summary>Why <paramref name="connectionString"/> is not an Azure Storage connection string, or null when it is one.</summary>
    public static string? ConnectionStringProblem(string connectionString) =>
        StorageConnectionStrings.Problem(connectionString, static s => new TableServiceClient(s)) is { } problem
            ? $"not an Azure Storage connection string ({problem}); use UseDevelopmentStorage=true for Azurite, or the account's connection string"
            : null;

    private static string FirstLine(string message) => message.ReplaceLineEndings("\n").Split('\n', 2)[0];
}
