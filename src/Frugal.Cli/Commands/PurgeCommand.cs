using System.CommandLine;
using Frugal.Cli.Costs;
using Frugal.Cli.Local;
using Frugal.Costs;
using Frugal.Hosting.Durable;
using Frugal.Retention;
using Frugal.Routing.Feedback;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Frugal.Cli.Commands;

/// <summary><c>frugal purge</c>: applies retention to the cost ledger and, on Azure Storage, to run histories.</summary>
internal static class PurgeCommand
{
    public static Command Create()
    {
        var olderThan = new Option<TimeSpan?>("--older-than")
        {
            Description = "Delete what is older than this (30d, 12h, 90m). Default: Frugal:Retention:CostRecordDays for cost records, RunHistoryDays for runs",
            CustomParser = result =>
            {
                string? value = result.Tokens.Count > 0 ? result.Tokens[0].Value : null;
                if (RetentionPurger.TryParseAge(value, out var age, out string? error))
                {
                    return age;
                }

                result.AddError($"--older-than: {error}");
                return null;
            },
        };
        var store = LedgerStore.CreateOption("The ledger, whose task hub's finished runs are purged too when it is a storage account");
        var table = LedgerStore.CreateTableOption();
        var taskHub = new Option<string>("--task-hub")
        {
            Description = "Task hub whose runs to purge when --store is a storage account: by default frugal's own (Frugal:Durable:TaskHub, else FrugalLocal); FrugalHub is the Functions app's (host.json)",

            // The hub frugal run and serve use: a purge that ignored Frugal:Durable:TaskHub went to FrugalLocal, which
            // may be another project's.
            DefaultValueFactory = _ => LocalRuntime.ReadConfiguration()["Frugal:Durable:TaskHub"] is { Length: > 0 } hub ? hub : LocalHostOptions.DefaultTaskHub,
        };
        taskHub.Validators.Add(result =>
        {
            // Said before anything is purged: the storage account refused the name with a 400 and its XML, after the
            // cost records had gone.
            if (!result.Implicit && result.GetValueOrDefault<string>() is { } hub && !LocalHostOptions.IsTaskHubName(hub))
            {
                result.AddError($"--task-hub: '{hub}' is not a task hub name ({LocalHostOptions.TaskHubRule})");
            }
        });
        var dryRun = new Option<bool>("--dry-run")
        {
            Description = "Say what would be deleted, with the same cut-offs, and delete nothing",
        };
        var command = new Command("purge", "Delete cost records, finished run histories and routing feedback older than their retention") { olderThan, store, table, taskHub, dryRun };
        command.Validators.Add(result =>
        {
            // A SQLite ledger has no runs: the task hub named was ignored without a word.
            if (result.GetResult(taskHub) is { Implicit: false } && !LedgerStore.IsAzure(result.GetValue(store) ?? string.Empty))
            {
                result.AddError("--task-hub: applies only with --store naming a storage account (whose task hub's runs are purged); the local ledger has no runs");
            }
        });
        LedgerStore.RequireAccountForTable(command, store, table);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var configuration = LocalRuntime.ReadConfiguration();
            var retention = configuration.GetSection(RetentionOptions.SectionName).Get<RetentionOptions>() ?? new RetentionOptions();
            var age = parse.GetValue(olderThan);
            if (age is null && new RetentionOptionsValidator().Validate(null, retention) is { Failed: true } invalid)
            {
                // The retention settings decide what is deleted: a negative or zero one deleted every record (the cut-off
                // fell in the future), where the Functions app refuses to start with it.
                foreach (var failure in invalid.Failures)
                {
                    await parse.InvocationConfiguration.Error.WriteLineAsync($"configuration error: {failure}");
                }

                return ExitCodes.BadInput;
            }

            var recordAge = age ?? TimeSpan.FromDays(retention.CostRecordDays);
            var runAge = age ?? TimeSpan.FromDays(retention.RunHistoryDays);
            string storeValue = parse.GetValue(store)!;
            var output = parse.InvocationConfiguration.Output;

            // Said before anything is deleted: the cost records went first, then the run histories could not be reached.
            if (LedgerStore.IsTableEndpoint(storeValue) && AzureStorageRunPurger.TableEndpointProblem(new Uri(storeValue)) is { } endpointProblem)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"--store: {endpointProblem}; nothing was purged");
                return ExitCodes.BadInput;
            }

            // The hub from configuration, by the rule frugal run --store applies to it, before anything is purged.
            if (LedgerStore.IsAzure(storeValue))
            {
                try
                {
                    new LocalHostOptions { Backend = DurableBackendKind.AzureStorage, TaskHub = parse.GetValue(taskHub)! }.Validate();
                }
                catch (OptionsValidationException ex)
                {
                    foreach (var failure in ex.Failures)
                    {
                        await parse.InvocationConfiguration.Error.WriteLineAsync($"configuration error: {failure}");
                    }

                    return ExitCodes.BadInput;
                }
            }

            // frugal run --store keeps its cost records in the local ledger, not in the account: the account then has no
            // cost table, and refusing for it left that task hub's runs unpurgeable.
            var noTable = $"the storage account in --store has no cost table '{parse.GetValue(table)}': no cost records there to purge (frugal run --store records costs in the local ledger, which frugal purge without --store purges); its runs are " + (parse.GetValue(dryRun) ? "counted" : "purged");
            return await LedgerStore.UseAsync(storeValue, parse.GetValue(table)!, parse.InvocationConfiguration.Error, noTable, async ledger =>
            {
                bool dry = parse.GetValue(dryRun);
                var purger = new RetentionPurger(TimeProvider.System);
                var result = dry
                    ? await purger.PreviewAsync(ledger, null, recordAge, runAge, cancellationToken)
                    : await purger.PurgeAsync(ledger, null, null, recordAge, runAge, cancellationToken);
                string deleted = dry ? "Would delete" : "Deleted";
                if (result.CostRecords is { } records)
                {
                    await output.WriteLineAsync($"{deleted} {records} cost record(s) that started before {result.CostRecordsBefore:yyyy-MM-dd HH:mm:ss} UTC"
                        + (result.CostRecordsKeptForBudgets ? " (this month's records and the last 7 days' are kept: budgets count them)" : string.Empty));
                }

                // Each feedback store on its own: a failure there was reported as "cannot read the cost ledger at ...",
                // naming the wrong store, and stopped the purge of the others and of the runs.
                int code = ExitCodes.Ok;
                foreach (var target in FeedbackTargets(configuration, storeValue))
                {
                    try
                    {
                        if (await OpenFeedbackAsync(target) is not { } feedbackStore)
                        {
                            continue;
                        }

                        var purged = dry
                            ? await purger.PreviewAsync(null, feedbackStore, recordAge, runAge, cancellationToken)
                            : await purger.PurgeAsync(null, null, feedbackStore, recordAge, runAge, cancellationToken);
                        if (purged.Feedback is { } feedback)
                        {
                            await output.WriteLineAsync($"{deleted} {feedback.Calls} remembered model call(s) and {feedback.Examples} routing feedback example(s) from {target.Where}");
                        }
                    }
                    catch (Exception ex) when (StorageErrors.Describe(ex) is { } reason)
                    {
                        await parse.InvocationConfiguration.Error.WriteLineAsync($"cannot read the routing feedback store at {target.Where}: {reason}; its examples were not purged");
                        code = ExitCodes.RunFailed;
                    }
                }

                if (LedgerStore.IsAzure(storeValue))
                {
                    int runs;
                    string hub = parse.GetValue(taskHub)!;
                    try
                    {
                        runs = (dry, LedgerStore.IsConnectionString(storeValue)) switch
                        {
                            (false, true) => await AzureStorageRunPurger.PurgeAsync(storeValue, hub, result.RunsBefore),
                            (false, false) => await AzureStorageRunPurger.PurgeAsync(new Uri(storeValue), LedgerStore.Credential, hub, result.RunsBefore),
                            (true, true) => await AzureStorageRunPurger.CountAsync(storeValue, hub, result.RunsBefore),
                            (true, false) => await AzureStorageRunPurger.CountAsync(new Uri(storeValue), LedgerStore.Credential, hub, result.RunsBefore),
                        };
                    }
                    catch (Exception ex) when (ex.ToString().Contains("TableNotFound", StringComparison.Ordinal))
                    {
                        await parse.InvocationConfiguration.Error.WriteLineAsync(
                            $"--task-hub: this storage account has no task hub '{parse.GetValue(taskHub)}' (its instances table does not exist); no run was purged");
                        return ExitCodes.BadInput;
                    }

                    await output.WriteLineAsync($"{deleted} {runs} finished run(s) created before {result.RunsBefore:yyyy-MM-dd HH:mm:ss} UTC, with their offloaded blobs");
                }

                if (dry)
                {
                    await output.WriteLineAsync("Dry run: nothing was deleted.");
                }

                return code;
            });
        });
        return command;
    }

    /// <summary>
    /// The routing feedback stores to purge: the one configured (<c>Frugal:Routing:Feedback</c>), whether or not the loop
    /// is on now (one kept while it was on still holds prompt text): its table when <c>Store</c> is <c>table</c>, else its
    /// file; and, when <paramref name="store"/> names a storage account, that account's table of the configured name, the
    /// one the Functions app deployed against it keeps (a purge run from a laptop against the deployed account purged its
    /// cost records and runs and left the prompts in its feedback table).
    /// </summary>
    private static List<FeedbackTarget> FeedbackTargets(IConfiguration configuration, string store)
    {
        var options = configuration.GetSection(RoutingFeedbackOptions.Section).Get<RoutingFeedbackOptions>() ?? new RoutingFeedbackOptions();
        var targets = new List<FeedbackTarget>();
        string? configuredAccount = null;
        if (string.Equals(options.Store, "table", StringComparison.OrdinalIgnoreCase))
        {
            configuredAccount = options.TableConnectionString is { Length: > 0 } connection ? connection : options.TableEndpoint?.ToString();
            if (configuredAccount is not null)
            {
                targets.Add(new FeedbackTarget(configuredAccount, options.TableName, $"table '{options.TableName}' (Frugal:Routing:Feedback)"));
            }
        }
        else
        {
            targets.Add(new FeedbackTarget(options.Path, null, options.Path));
        }

        if (LedgerStore.IsAzure(store) && !SameAccount(configuredAccount, store))
        {
            targets.Add(new FeedbackTarget(store, options.TableName, $"table '{options.TableName}' of the storage account in --store"));
        }

        return targets;
    }

    /// <summary>Whether <paramref name="configured"/> and <paramref name="store"/> name one account: the same connection
    /// string, or the same table endpoint however written (a configured endpoint is read back with a trailing slash).</summary>
    private static bool SameAccount(string? configured, string store) =>
        configured is not null && (string.Equals(configured, store, StringComparison.Ordinal)
            || (LedgerStore.IsTableEndpoint(configured) && LedgerStore.IsTableEndpoint(store) && new Uri(configured) == new Uri(store)));

    /// <summary>The store <paramref name="target"/> names, or null when its table or file does not exist (nothing to purge,
    /// and reading a table would create it).</summary>
    private static async Task<IRoutingFeedbackStore?> OpenFeedbackAsync(FeedbackTarget target)
    {
        if (target.Table is not { } table)
        {
            return File.Exists(target.Store)
                ? new SqliteRoutingFeedbackStore(Options.Create(new RoutingFeedbackOptions { Enabled = true, Path = target.Store }), TimeProvider.System)
                : null;
        }

        if (!await LedgerStore.TableExistsAsync(target.Store, table))
        {
            return null;
        }

        var client = LedgerStore.TableClientOf(target.Store, table);
        return new TableRoutingFeedbackStore(client);
    }

    /// <summary>A routing feedback store: a storage account and its <paramref name="Table"/>, or a SQLite file (no table).</summary>
    private sealed record FeedbackTarget(string Store, string? Table, string Where);
}
