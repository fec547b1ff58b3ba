using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Frugal.Costs;

/// <summary>Checks <see cref="CostsOptions"/> at start-up, naming the configuration key of every problem.</summary>
internal sealed partial class CostsOptionsValidator : IValidateOptions<CostsOptions>
{
    private const string Prefix = CostsOptions.SectionName + ":";

    public ValidateOptionsResult Validate(string? name, CostsOptions options)
    {
        var failures = new List<string>();
        bool table = string.Equals(options.Store, "table", StringComparison.OrdinalIgnoreCase);
        if (!table && !string.Equals(options.Store, "sqlite", StringComparison.OrdinalIgnoreCase))
        {
            failures.Add($"{Prefix}Store: must be 'sqlite' or 'table' (was '{options.Store}')");
        }

        if (table && string.IsNullOrWhiteSpace(options.TableConnectionString) && options.TableEndpoint is null)
        {
            failures.Add($"{Prefix}TableConnectionString or {Prefix}TableEndpoint: one is required when Store is 'table'");
        }

        if (table && !string.IsNullOrWhiteSpace(options.TableConnectionString)
            && StorageConnectionStrings.Problem(options.TableConnectionString, static s => new Azure.Data.Tables.TableServiceClient(s)) is { } parse)
        {
            // Found only when the first cost record was written: every step failed, or frugal ended with the SDK's
            // "Connection string doesn't have value for keyword ..." and exit 1, naming no setting.
            failures.Add($"{Prefix}TableConnectionString: is not an Azure Storage connection string ({parse}); use UseDevelopmentStorage=true for Azurite, or the account's connection string");
        }

        if (table && options.TableEndpoint is { IsAbsoluteUri: false } relative)
        {
            failures.Add($"{Prefix}TableEndpoint: must be an absolute URL such as https://<account>.table.core.windows.net/ (was '{relative}')");
        }

        if (table && !TableNamePattern().IsMatch(options.TableName))
        {
            failures.Add($"{Prefix}TableName: must be 3-63 letters or digits starting with a letter (was '{options.TableName}')");
        }

        if (!table && string.IsNullOrWhiteSpace(options.SqlitePath))
        {
            failures.Add($"{Prefix}SqlitePath: is required when Store is 'sqlite'");
        }
        else if (!table && SqliteLedgerFile.Problem(options.SqlitePath, "a cost ledger") is { } problem)
        {
            // Found only when the first call was recorded: every step failed three times with "SQLite Error 26: 'file
            // is not a database'", naming no file, and `frugal run` then crashed reading the run's spend.
            failures.Add($"{Prefix}SqlitePath: '{options.SqlitePath}' {problem}");
        }

        if (options.MaxBatchSize is < 1 or > 10_000)
        {
            failures.Add($"{Prefix}MaxBatchSize: must be between 1 and 10000 (was {options.MaxBatchSize})");
        }

        for (var i = 0; i < options.StoreTextForTenants.Count; i++)
        {
            // A run's tenant is trimmed, and one that names none is the default: "" or " acme " matched no run, and
            // whose text was meant to be kept was not, without a word.
            var tenant = options.StoreTextForTenants[i];
            var problem = string.IsNullOrWhiteSpace(tenant) ? $"is empty; name a tenant (runs that name none are '{Engine.WorkflowRunRequest.DefaultTenant}')"
                : tenant != tenant.Trim() ? $"'{tenant}' has spaces around it, which no run's tenant has; write '{tenant.Trim()}'"
                : Engine.WorkflowRunRequest.TenantProblem(tenant);
            if (problem is not null)
            {
                failures.Add($"{Prefix}StoreTextForTenants:{i}: {problem}");
            }
        }

        if (options.PricesAreLiteLlm && string.IsNullOrWhiteSpace(options.PricesPath))
        {
            // Ignored before: the embedded table priced every call, which the user meant LiteLLM's file to do.
            failures.Add($"{Prefix}PricesAreLiteLlm: says {Prefix}PricesPath is in LiteLLM's format, but no PricesPath is set; name the file (model_prices_and_context_window.json), or leave PricesAreLiteLlm out to use the embedded price table");
        }

        try
        {
            options.LoadPrices();
        }
        catch (PriceTableException ex)
        {
            failures.Add($"{Prefix}PricesPath: {ex.Message}");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]{2,62}$", RegexOptions.CultureInvariant)]
    private static partial Regex TableNamePattern();
}
