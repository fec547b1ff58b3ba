using System.CommandLine;
using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Frugal.Cli.Commands;
using Frugal.Cli.Local;
using Frugal.Costs;
using Microsoft.Extensions.Configuration;

namespace Frugal.Cli.Costs;

/// <summary>
/// The <c>--store</c> option of the commands that read the cost ledger (<c>cost report</c>, <c>plan</c>,
/// <c>purge</c>), and the ledger it names: a SQLite file, an Azure Storage connection string, or the account's table
/// endpoint, reached as the signed-in user (<see cref="DefaultAzureCredential"/>: <c>az login</c>, environment variables,
/// a managed identity). The deployed account allows no shared keys (infra/), so neither a connection string with the
/// account key nor a key-signed SAS can read its ledger there.
/// </summary>
internal static class LedgerStore
{
    public const string DefaultPath = ".frugal/costs.db";

    /// <summary>
    /// The option. A path must name an existing cost ledger: a missing file, a folder, an empty file, another kind of
    /// file or another SQLite database is a usage error, said before anything opens it (SQLite would create tables in an empty file, and
    /// fail with "file is not a database" on anything else).
    /// </summary>
    public static Option<string> CreateOption(string description)
    {
        var store = new Option<string>("--store")
        {
            Description = $"{description}: a SQLite file, an Azure Storage connection string, or the account's table endpoint (https://<account>.table.core.windows.net/, read as the signed-in user: az login); by default the ledger frugal run writes (Frugal:Costs, else {DefaultPath})",
            DefaultValueFactory = _ => ConfiguredStore(LocalRuntime.ReadConfiguration()),
        };
        store.Validators.Add(result =>
        {
            string value = result.GetValueOrDefault<string>();

            // A connection string with a malformed key failed only when the ledger was opened, with .NET's "not a valid
            // Base-64 string" and no word of --store (frugal run --store says this much).
            if ((IsConnectionString(value) ? StorageErrors.ConnectionStringProblem(value) : IsAzure(value) ? null : Problem(value)) is { } problem)
            {
                result.AddError($"--store: {problem}");
            }
        });
        return store;
    }

    /// <summary>The <c>--table</c> option: the table of a storage account's ledger, by default the one configured (Frugal:Costs:TableName).</summary>
    public static Option<string> CreateTableOption() => new("--table")
    {
        Description = "Table name when --store is a storage account (Frugal:Costs:TableName, else FrugalCosts)",
        DefaultValueFactory = _ => Configured(LocalRuntime.ReadConfiguration()).TableName,
    };

    /// <summary>
    /// Refuses a <c>--table</c> given on the command line when <c>--store</c> names no storage account: a SQLite ledger
    /// has no tables to choose, and the report, plan or purge went to the local file without a word, a user who forgot
    /// <c>--store</c> reading the laptop's ledger as the deployed one.
    /// </summary>
    public static void RequireAccountForTable(Command command, Option<string> store, Option<string> table) =>
        command.Validators.Add(result =>
        {
            if (result.GetResult(table) is { Implicit: false } && !IsAzure(result.GetValue(store) ?? string.Empty))
            {
                result.AddError("--table: applies only with --store naming a storage account (whose table holds the ledger); a SQLite ledger has no tables to choose");
            }
        });

    /// <summary>
    /// The ledger frugal run and serve write with <paramref name="configuration"/> (frugal.json and environment
    /// variables): its table store's connection string or endpoint when <c>Frugal:Costs:Store</c> is <c>table</c>, else
    /// its SQLite file. Defaulting to <see cref="DefaultPath"/> instead, a report, a plan or a purge after runs with
    /// <c>Frugal:Costs:SqlitePath</c> set said the ledger did not exist, or read an older one left at the default path.
    /// </summary>
    public static string ConfiguredStore(IConfiguration configuration)
    {
        var options = Configured(configuration);
        return string.Equals(options.Store, "table", StringComparison.OrdinalIgnoreCase)
            ? options.TableConnectionString is { Length: > 0 } connection ? connection : options.TableEndpoint?.ToString() ?? DefaultPath
            : options.SqlitePath is { Length: > 0 } path ? path : DefaultPath;
    }

    private static CostsOptions Configured(IConfiguration configuration) =>
        configuration.GetSection(CostsOptions.SectionName).Get<CostsOptions>() ?? new CostsOptions();

    /// <summary>Whether <paramref name="value"/> is an Azure Storage connection string rather than a file.</summary>
    public static bool IsConnectionString(string value) =>
        value.Contains("UseDevelopmentStorage=", StringComparison.OrdinalIgnoreCase)
        || value.Contains("AccountName=", StringComparison.OrdinalIgnoreCase)
        || value.Contains("TableEndpoint=", StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether <paramref name="value"/> is a storage account's table endpoint (an http or https URL).</summary>
    public static bool IsTableEndpoint(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp);

    /// <summary>Whether <paramref name="value"/> names a storage account (by connection string or table endpoint).</summary>
    public static bool IsAzure(string value) => IsConnectionString(value) || IsTableEndpoint(value);

    /// <summary>The identity a table endpoint is read with.</summary>
    public static TokenCredential Credential { get; } = new DefaultAzureCredential();

    /// <summary>Whether <paramref name="path"/> is an existing SQLite database (a cost ledger, or any other).</summary>
    public static bool IsSqliteFile(string path) => SqliteLedgerFile.IsSqliteFile(path);

    /// <summary>Opens the ledger <paramref name="value"/> names; <paramref name="table"/> is the table of a connection string.</summary>
    public static ICostLedger Open(string value, string table) =>
        IsAzure(value) ? new TableCostLedger(TableClientOf(value, table)) : new SqliteCostLedger(value);

    /// <summary>A client of <paramref name="table"/> in the storage account <paramref name="store"/> names: by its table
    /// endpoint, read as <see cref="Credential"/>, or by connection string.</summary>
    public static TableClient TableClientOf(string store, string table) =>
        IsTableEndpoint(store) ? new TableClient(new Uri(store), table, Credential) : new TableClient(store, table);

    /// <summary>
    /// Runs <paramref name="action"/> on the ledger and turns a ledger that cannot be read (an unreachable storage
    /// account, a wrong key, a damaged file) into one line naming the store, and exit code 1, instead of a stack trace.
    /// </summary>
    public static Task<int> UseAsync(string value, string table, TextWriter error, Func<ICostLedger, Task<int>> action) =>
        UseAsync(value, table, error, missingTable: null, ledger => action(ledger!));

    /// <summary>
    /// As <see cref="UseAsync(string, string, TextWriter, Func{ICostLedger, Task{int}})"/>; a storage account without the
    /// table runs <paramref name="action"/> with no ledger after writing <paramref name="missingTable"/> (when given,
    /// else it is refused as a misspelt --table).
    /// </summary>
    public static async Task<int> UseAsync(string value, string table, TextWriter error, string? missingTable, Func<ICostLedger?, Task<int>> action)
    {
        var ledger = Open(value, table);
        try
        {
            if (IsAzure(value) && !await TableExistsAsync(value, table).ConfigureAwait(false))
            {
                if (missingTable is not null)
                {
                    await error.WriteLineAsync(missingTable).ConfigureAwait(false);
                    return await action(null).ConfigureAwait(false);
                }

                // Reading a table creates it: a misspelt --table reported nothing spent, and left an empty table behind.
                await error.WriteLineAsync($"--table: the storage account in --store has no table '{table}' (the Functions app records costs in FrugalCosts unless Frugal:Costs:TableName says otherwise)").ConfigureAwait(false);
                return ExitCodes.BadInput;
            }

            return await action(ledger).ConfigureAwait(false);
        }
        catch (Exception ex) when (StorageErrors.Describe(ex) is { } reason)
        {
            string where = IsAzure(value) ? $"table '{table}' of the storage account in --store" : $"'{value}'";
            await error.WriteLineAsync($"cannot read the cost ledger at {where}: {reason}").ConfigureAwait(false);
            return ExitCodes.RunFailed;
        }
        finally
        {
            (ledger as IDisposable)?.Dispose();
        }
    }

    /// <summary>Whether the storage account <paramref name="store"/> names (connection string or table endpoint) has <paramref name="table"/>, asked without creating it.</summary>
    public static async Task<bool> TableExistsAsync(string store, string table)
    {
        var service = IsTableEndpoint(store) ? new TableServiceClient(new Uri(store), Credential) : new TableServiceClient(store);
        await foreach (var _ in service.QueryAsync(t => t.Name == table).ConfigureAwait(false))
        {
            return true;
        }

        return false;
    }

    private static string? Problem(string path) =>
        Directory.Exists(path) ? $"'{path}' is a folder, not a cost ledger (a SQLite file such as {DefaultPath})"
        : !File.Exists(path) ? $"the cost ledger '{path}' does not exist (record some runs first, or pass a SQLite file or connection string)"
        : new FileInfo(path).Length == 0 ? $"'{path}' is empty, not a cost ledger"
        : !IsSqliteFile(path) ? $"'{path}' is not a cost ledger (not a SQLite database)"
        : SqliteLedgerFile.LacksCostTable(path) ? $"'{path}' is a SQLite database but not a cost ledger (it has no cost_records table; frugal run writes {DefaultPath} unless Frugal:Costs:SqlitePath says otherwise)"
        : null;
}
