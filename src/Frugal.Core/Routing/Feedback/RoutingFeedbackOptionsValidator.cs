using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Frugal.Routing.Feedback;

/// <summary>Checks <see cref="RoutingFeedbackOptions"/> at start-up when the loop is on, naming the key of every problem.</summary>
internal sealed partial class RoutingFeedbackOptionsValidator : IValidateOptions<RoutingFeedbackOptions>
{
    private const string Prefix = RoutingFeedbackOptions.Section + ":";

    public ValidateOptionsResult Validate(string? name, RoutingFeedbackOptions options)
    {
        if (!options.Enabled)
        {
            return ValidateOptionsResult.Success;
        }

        var failures = new List<string>();
        if (!options.IsTable && !string.Equals(options.Store, "sqlite", StringComparison.OrdinalIgnoreCase))
        {
            failures.Add($"{Prefix}Store: must be 'sqlite' or 'table' (was '{options.Store}')");
        }
        else if (!options.IsTable && string.IsNullOrWhiteSpace(options.Path))
        {
            failures.Add($"{Prefix}Path must name a file when Enabled is true.");
        }
        else if (!options.IsTable && Frugal.Costs.SqliteLedgerFile.Problem(options.Path, "a feedback store") is { } problem)
        {
            // Found only when feedback came: every POST /api/runs/{id}/feedback was a 500 "SQLite Error 26: 'file is not a
            // database'" (or "unable to open database file" for a folder), naming no setting.
            failures.Add($"{Prefix}Path: '{options.Path}' {problem}");
        }

        if (options.IsTable && string.IsNullOrWhiteSpace(options.TableConnectionString) && options.TableEndpoint is null)
        {
            failures.Add($"{Prefix}TableConnectionString or {Prefix}TableEndpoint: one is required when Store is 'table'");
        }

        if (options.IsTable && !string.IsNullOrWhiteSpace(options.TableConnectionString)
            && StorageConnectionStrings.Problem(options.TableConnectionString, static s => new Azure.Data.Tables.TableServiceClient(s)) is { } parse)
        {
            failures.Add($"{Prefix}TableConnectionString: is not an Azure Storage connection string ({parse}); use UseDevelopmentStorage=true for Azurite, or the account's connection string");
        }

        if (options.IsTable && options.TableEndpoint is { IsAbsoluteUri: false } relative)
        {
            failures.Add($"{Prefix}TableEndpoint: must be an absolute URL such as https://<account>.table.core.windows.net/ (was '{relative}')");
        }

        if (options.IsTable && !TableNamePattern().IsMatch(options.TableName ?? string.Empty))
        {
            failures.Add($"{Prefix}TableName: must be 3-63 letters or digits starting with a letter (was '{options.TableName}')");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]{2,62}$", RegexOptions.CultureInvariant)]
    private static partial Regex TableNamePattern();
}
