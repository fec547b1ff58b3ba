using Frugal.Costs;
using Frugal.Hosting.Tests.Costs;
using Frugal.Routing.Feedback;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Frugal.Hosting.Tests.Cli;

public sealed class PurgeCommandTests : IDisposable
{
    private readonly CostLedgerFixture _ledger = new();

    [Theory]
    [InlineData("30x")]
    [InlineData("-5d")]
    [InlineData("d")]
    [InlineData("forever")]
    public async Task Purge_OlderThanThatDoesNotParse_ExitsTwoWithMessageAndUsage(string value)
    {
        var (code, output, error) = await CliRunner.RunAsync("purge", "--store", _ledger.Path, "--older-than", value);

        Assert.Equal(2, code);
        Assert.Contains($"--older-than: '{value}' is not an age such as 30d, 12h or 90m", error, StringComparison.Ordinal);
        Assert.Contains("Usage:", output + error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("99999999d")]
    [InlineData("5000000d")]
    [InlineData("900000h")]
    public async Task Purge_OlderThanPastACentury_ExitsTwoSayingSo(string value)
    {
        var (code, _, error) = await CliRunner.RunAsync("purge", "--store", _ledger.Path, "--older-than", value);

        Assert.Equal(2, code);
        Assert.Contains($"--older-than: '{value}' is more than 36525 days (100 years)", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Purge_MissingStore_ExitsTwoNamingTheFile()
    {
        var (code, _, error) = await CliRunner.RunAsync("purge", "--store", "/no/such/costs.db");

        Assert.Equal(2, code);
        Assert.Contains("--store: the cost ledger '/no/such/costs.db' does not exist", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Purge_RecentCutOff_KeepsRecordsThenOldCutOffDeletesThem()
    {
        var (kept, keptOutput, _) = await CliRunner.RunAsync("purge", "--store", _ledger.Path, "--older-than", "36500d");
        var (code, output, _) = await CliRunner.RunAsync("purge", "--store", _ledger.Path, "--older-than", "1d");

        Assert.Equal(0, kept);
        Assert.StartsWith("Deleted 0 cost record(s)", keptOutput, StringComparison.Ordinal);
        Assert.Equal(0, code);
        Assert.StartsWith("Deleted 3 cost record(s)", output, StringComparison.Ordinal);
        using var ledger = new SqliteCostLedger(_ledger.Path);
        await foreach (var _ in ledger.QueryAsync(new CostQuery(), CancellationToken.None))
        {
            Assert.Fail("a record survived the purge");
        }
    }

    [Theory]
    [InlineData("CostRecordDays", "-5", "Frugal:Retention:CostRecordDays must be at least 1 (was -5).")]
    [InlineData("RunHistoryDays", "0", "Frugal:Retention:RunHistoryDays must be at least 1 (was 0).")]
    [InlineData("CostRecordDays", "2147483647", "Frugal:Retention:CostRecordDays must be at most 36525 days (100 years) (was 2147483647).")]
    [InlineData("RunHistoryDays", "36526", "Frugal:Retention:RunHistoryDays must be at most 36525 days (100 years) (was 36526).")]
    [InlineData("EmbeddedRunMinutes", "2147483647", "Frugal:Retention:EmbeddedRunMinutes must be at most 52596000 minutes (100 years) (was 2147483647).")]
    public async Task Purge_RetentionUnderADayOrOverACentury_ExitsTwoAndDeletesNothing(string key, string days, string message)
    {
        // A negative retention put the cut-off in the future and deleted every record; 2147483647 days ended the purge
        // with "TimeSpan overflowed because the duration is too long", exit 1.
        var folder = Directory.CreateTempSubdirectory("frugal-purge-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(folder, "frugal.json"), $$"""{ "Frugal": { "Retention": { "{{key}}": {{days}} } } }""");

            var (code, output, error) = await CliRunner.RunProcessAsync(folder, "purge", "--store", _ledger.Path);

            Assert.True(code == 2, $"exit {code}: {error}{output}");
            Assert.Equal($"configuration error: {message}", error.Trim());
            using var ledger = new SqliteCostLedger(_ledger.Path);
            var left = 0;
            await foreach (var _ in ledger.QueryAsync(new CostQuery(), CancellationToken.None))
            {
                left++;
            }

            Assert.Equal(3, left);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Purge_RoutingFeedbackFileLeftBehind_DeletesItsOldPromptsAndSaysSo()
    {
        // The feedback loop's file keeps prompt text; it is purged even when the loop has since been turned off.
        var folder = Directory.CreateTempSubdirectory("frugal-purge-feedback-").FullName;
        try
        {
            var path = Path.Combine(folder, ".frugal", "feedback.db");
            var store = new SqliteRoutingFeedbackStore(
                Options.Create(new RoutingFeedbackOptions { Enabled = true, Path = path }), new FakeTimeProvider(DateTimeOffset.UtcNow.AddDays(-10)));
            await store.RememberAsync("run", "answer", "cheap", null, "a prompt", CancellationToken.None);
            await store.AddAsync(new Frugal.Models.RoutingFeedback("run", "answer", "user", null, "a prompt", 0, 1), CancellationToken.None);
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

            var (kept, keptOutput, _) = await CliRunner.RunProcessAsync(folder, "purge", "--store", _ledger.Path, "--older-than", "30d");
            var (code, output, error) = await CliRunner.RunProcessAsync(folder, "purge", "--store", _ledger.Path, "--older-than", "1d");

            Assert.True(kept == 0, keptOutput);
            Assert.Contains("Deleted 0 remembered model call(s) and 0 routing feedback example(s) from .frugal/feedback.db", keptOutput, StringComparison.Ordinal);
            Assert.True(code == 0, $"exit {code}: {error}{output}");
            Assert.Contains("Deleted 1 remembered model call(s) and 1 routing feedback example(s) from .frugal/feedback.db", output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Purge_RoutingFeedbackInATable_DeletesItsOldPromptsAndSaysSo()
    {
        // With Frugal:Routing:Feedback:Store table the prompts are in a table, which the purge left alone.
        var folder = Directory.CreateTempSubdirectory("frugal-purge-feedback-table-").FullName;
        string azurite = Environment.GetEnvironmentVariable("FRUGAL_TEST_AZURITE") is { Length: > 0 } s ? s : "UseDevelopmentStorage=true";
        var table = new Azure.Data.Tables.TableClient(azurite, "feedback" + Guid.NewGuid().ToString("N")[..12]);
        try
        {
            File.WriteAllText(Path.Combine(folder, "frugal.json"), new System.Text.Json.Nodes.JsonObject
            {
                ["Frugal"] = new System.Text.Json.Nodes.JsonObject
                {
                    ["Routing"] = new System.Text.Json.Nodes.JsonObject
                    {
                        ["Feedback"] = new System.Text.Json.Nodes.JsonObject { ["Store"] = "table", ["TableConnectionString"] = azurite, ["TableName"] = table.Name },
                    },
                },
            }.ToJsonString());
            var store = new TableRoutingFeedbackStore(table, new FakeTimeProvider(DateTimeOffset.UtcNow.AddDays(-10)));
            await store.RememberAsync("run", "answer", "cheap", null, "a prompt", CancellationToken.None);
            await store.AddAsync(new Frugal.Models.RoutingFeedback("run", "answer", "user", null, "a prompt", 0, 1), CancellationToken.None);

            var (dry, dryOutput, _) = await CliRunner.RunProcessAsync(folder, "purge", "--store", _ledger.Path, "--older-than", "1d", "--dry-run");
            var (code, output, error) = await CliRunner.RunProcessAsync(folder, "purge", "--store", _ledger.Path, "--older-than", "1d");

            Assert.True(dry == 0, dryOutput);
            Assert.Contains($"Would delete 1 remembered model call(s) and 1 routing feedback example(s) from table '{table.Name}' (Frugal:Routing:Feedback)", dryOutput, StringComparison.Ordinal);
            Assert.True(code == 0, $"exit {code}: {error}{output}");
            Assert.Contains($"Deleted 1 remembered model call(s) and 1 routing feedback example(s) from table '{table.Name}' (Frugal:Routing:Feedback)", output, StringComparison.Ordinal);
            Assert.Null(await store.MarkAsync("run", "answer", good: true, CancellationToken.None));
        }
        finally
        {
            await table.DeleteAsync();
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Purge_RoutingFeedbackTableUnreadable_NamesTheFeedbackStoreAndExitsOne()
    {
        // Its failure went through the ledger's handler: "cannot read the cost ledger at '<ledger>'", naming a store that
        // was fine (whose records had been purged).
        var folder = Directory.CreateTempSubdirectory("frugal-purge-feedback-unreadable-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(folder, "frugal.json"), """
                { "Frugal": { "Routing": { "Feedback": { "Store": "table", "TableEndpoint": "https://frugalnowhere.table.core.windows.net/" } } } }
                """);

            var (code, output, error) = await CliRunner.RunProcessAsync(folder, "purge", "--store", _ledger.Path, "--older-than", "1d");

            Assert.True(code == 1, $"exit {code}: {error}{output}");
            Assert.Contains("cost record(s) that started before", output, StringComparison.Ordinal);
            Assert.Equal(
                "cannot read the routing feedback store at table 'FrugalFeedback' (Frugal:Routing:Feedback): no Azure sign-in to read it with (DefaultAzureCredential found none: az login, AZURE_* environment variables or a managed identity); sign in, or pass a connection string; its examples were not purged",
                error.Trim());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Purge_StoreNamingAStorageAccount_PurgesItsRoutingFeedbackTableToo()
    {
        // The Functions app deployed against the account keeps its feedback there; a purge from a laptop with --store
        // naming the account purged its cost records and runs and left the prompts in that table.
        var folder = Directory.CreateTempSubdirectory("frugal-purge-feedback-store-").FullName;
        string azurite = Environment.GetEnvironmentVariable("FRUGAL_TEST_AZURITE") is { Length: > 0 } s ? s : "UseDevelopmentStorage=true";
        var table = new Azure.Data.Tables.TableClient(azurite, "feedback" + Guid.NewGuid().ToString("N")[..12]);
        var costs = "NoSuchCosts" + Guid.NewGuid().ToString("N")[..8];
        var hub = "NoSuchHub" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            File.WriteAllText(Path.Combine(folder, "frugal.json"), $$"""
                { "Frugal": { "Routing": { "Feedback": { "TableName": "{{table.Name}}" } } } }
                """);
            var store = new TableRoutingFeedbackStore(table, new FakeTimeProvider(DateTimeOffset.UtcNow.AddDays(-10)));
            await store.RememberAsync("run", "answer", "cheap", null, "a prompt", CancellationToken.None);
            await store.AddAsync(new Frugal.Models.RoutingFeedback("run", "answer", "user", null, "a prompt", 0, 1), CancellationToken.None);

            // A task hub that is not there: no one else's runs in the shared emulator are touched (it exits 2 for it).
            var (_, output, error) = await CliRunner.RunProcessAsync(folder, "purge", "--store", azurite, "--table", costs, "--task-hub", hub, "--older-than", "1d");

            Assert.Contains($"Deleted 1 remembered model call(s) and 1 routing feedback example(s) from table '{table.Name}' of the storage account in --store", output, StringComparison.Ordinal);
            Assert.True(await store.MarkAsync("run", "answer", good: true, CancellationToken.None) is null, error);
        }
        finally
        {
            await table.DeleteAsync();
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Purge_StoreNamingTheConfiguredFeedbackAccount_PurgesItsTableOnce()
    {
        var folder = Directory.CreateTempSubdirectory("frugal-purge-feedback-same-").FullName;
        string azurite = Environment.GetEnvironmentVariable("FRUGAL_TEST_AZURITE") is { Length: > 0 } s ? s : "UseDevelopmentStorage=true";
        var table = new Azure.Data.Tables.TableClient(azurite, "feedback" + Guid.NewGuid().ToString("N")[..12]);
        try
        {
            File.WriteAllText(Path.Combine(folder, "frugal.json"), new System.Text.Json.Nodes.JsonObject
            {
                ["Frugal"] = new System.Text.Json.Nodes.JsonObject
                {
                    ["Routing"] = new System.Text.Json.Nodes.JsonObject
                    {
                        ["Feedback"] = new System.Text.Json.Nodes.JsonObject { ["Store"] = "table", ["TableConnectionString"] = azurite, ["TableName"] = table.Name },
                    },
                },
            }.ToJsonString());
            var store = new TableRoutingFeedbackStore(table, new FakeTimeProvider(DateTimeOffset.UtcNow.AddDays(-10)));
            await store.AddAsync(new Frugal.Models.RoutingFeedback("run", "answer", "user", null, "a prompt", 0, 1), CancellationToken.None);

            var (_, output, _) = await CliRunner.RunProcessAsync(
                folder, "purge", "--store", azurite, "--table", "NoSuchCosts" + Guid.NewGuid().ToString("N")[..8], "--task-hub", "NoSuchHub" + Guid.NewGuid().ToString("N")[..8], "--older-than", "1d", "--dry-run");

            var line = Assert.Single(output.Split('\n'), l => l.Contains("routing feedback example(s)", StringComparison.Ordinal));
            Assert.Equal($"Would delete 0 remembered model call(s) and 1 routing feedback example(s) from table '{table.Name}' (Frugal:Routing:Feedback)", line.Trim());
        }
        finally
        {
            await table.DeleteAsync();
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Purge_DryRun_SaysWhatThePurgeDeletesAndDeletesNothing()
    {
        // A destructive command without a dry run: the only way to learn what a cut-off took was to take it.
        var folder = Directory.CreateTempSubdirectory("frugal-purge-dry-").FullName;
        try
        {
            var path = Path.Combine(folder, ".frugal", "feedback.db");
            var store = new SqliteRoutingFeedbackStore(
                Options.Create(new RoutingFeedbackOptions { Enabled = true, Path = path }), new FakeTimeProvider(DateTimeOffset.UtcNow.AddDays(-10)));
            await store.RememberAsync("run", "answer", "cheap", null, "a prompt", CancellationToken.None);
            await store.AddAsync(new Frugal.Models.RoutingFeedback("run", "answer", "user", null, "a prompt", 0, 1), CancellationToken.None);
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

            var (dryCode, dryOutput, dryError) = await CliRunner.RunProcessAsync(folder, "purge", "--store", _ledger.Path, "--older-than", "1d", "--dry-run");
            var (code, output, error) = await CliRunner.RunProcessAsync(folder, "purge", "--store", _ledger.Path, "--older-than", "1d");

            Assert.True(dryCode == 0, $"exit {dryCode}: {dryError}{dryOutput}");
            var dryLines = dryOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            Assert.StartsWith("Would delete 3 cost record(s) that started before ", dryLines[0], StringComparison.Ordinal);
            Assert.Equal("Would delete 1 remembered model call(s) and 1 routing feedback example(s) from .frugal/feedback.db", dryLines[1]);
            Assert.Equal("Dry run: nothing was deleted.", dryLines[^1]);

            // What it said is what the purge then deleted.
            Assert.True(code == 0, $"exit {code}: {error}{output}");
            Assert.StartsWith("Deleted 3 cost record(s) that started before ", lines[0], StringComparison.Ordinal);
            Assert.Equal("Deleted 1 remembered model call(s) and 1 routing feedback example(s) from .frugal/feedback.db", lines[1]);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Purge_DryRunOnAStorageAccount_CountsRecordsAndSaysItsRunsAreCounted()
    {
        var storage = Environment.GetEnvironmentVariable("FRUGAL_TEST_AZURITE") is { Length: > 0 } s ? s : "UseDevelopmentStorage=true";
        var table = "DryRun" + Guid.NewGuid().ToString("N")[..8];
        var hub = "NoSuchHub" + Guid.NewGuid().ToString("N")[..8];
        var ledger = new TableCostLedger(new Azure.Data.Tables.TableClient(storage, table));
        await ledger.AppendAsync(
            [new CostRecord { RunId = "r1", Workflow = "w", StepId = "s", StartedAt = DateTimeOffset.UtcNow.AddDays(-90), CompletedAt = DateTimeOffset.UtcNow.AddDays(-90) }],
            CancellationToken.None);

        var (code, output, error) = await CliRunner.RunAsync("purge", "--store", storage, "--table", table, "--task-hub", hub, "--older-than", "30d", "--dry-run");
        long left = await ledger.CountBeforeAsync(DateTimeOffset.UtcNow, CancellationToken.None);
        await new Azure.Data.Tables.TableClient(storage, table).DeleteAsync();

        // Said as the purge says it, and the misspelt hub is not made by asking about it.
        Assert.Equal(2, code);
        Assert.StartsWith("Would delete 1 cost record(s) that started before ", output, StringComparison.Ordinal);
        Assert.Equal($"--task-hub: this storage account has no task hub '{hub}' (its instances table does not exist); no run was purged", error.Trim());
        Assert.Equal(1, left);
        await foreach (var made in new Azure.Data.Tables.TableServiceClient(storage).QueryAsync(t => t.Name == hub + "Instances"))
        {
            Assert.Fail($"the dry run made the task hub's table {made.Name}");
        }
    }

    [Fact]
    public async Task Purge_TaskHubNotInTheStorageAccount_ExitsTwoNamingIt()
    {
        // It ended in an unhandled TableNotFound exception and about 40 lines of stack trace (exit 134).
        var storage = Environment.GetEnvironmentVariable("FRUGAL_TEST_AZURITE") is { Length: > 0 } s ? s : "UseDevelopmentStorage=true";
        var hub = "NoSuchHub" + Guid.NewGuid().ToString("N")[..8];
        var table = "PurgeTest" + Guid.NewGuid().ToString("N")[..8];
        await new Azure.Data.Tables.TableClient(storage, table).CreateIfNotExistsAsync();

        var (code, _, error) = await CliRunner.RunAsync("purge", "--store", storage, "--table", table, "--task-hub", hub);

        Assert.Equal(2, code);
        Assert.Equal($"--task-hub: this storage account has no task hub '{hub}' (its instances table does not exist); no run was purged", error.Trim());
    }

    [Fact]
    public async Task Purge_TaskHubThatIsNotAName_ExitsTwoBeforePurgingAnything()
    {
        // It said "its runs are purged", then failed with the storage account's 400 and its XML (exit 1).
        var storage = Environment.GetEnvironmentVariable("FRUGAL_TEST_AZURITE") is { Length: > 0 } s ? s : "UseDevelopmentStorage=true";
        var table = "NoSuchCosts" + Guid.NewGuid().ToString("N")[..8];

        var (code, output, error) = await CliRunner.RunAsync("purge", "--store", storage, "--table", table, "--task-hub", "bad-hub!");

        Assert.Equal(2, code);
        Assert.Contains("--task-hub: 'bad-hub!' is not a task hub name (3-45 letters or digits, starting with a letter)", error, StringComparison.Ordinal);
        Assert.DoesNotContain("its runs are purged", output + error, StringComparison.Ordinal);
        Assert.DoesNotContain("400", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Purge_TaskHubInConfigurationThatIsNotAName_ExitsTwoAsRunDoes()
    {
        var storage = Environment.GetEnvironmentVariable("FRUGAL_TEST_AZURITE") is { Length: > 0 } s ? s : "UseDevelopmentStorage=true";
        var table = "NoSuchCosts" + Guid.NewGuid().ToString("N")[..8];
        var folder = Directory.CreateTempSubdirectory("frugal-purge-hub-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(folder, "frugal.json"), """{ "Frugal": { "Durable": { "TaskHub": "bad-hub!" } } }""");

            var (code, output, error) = await CliRunner.RunProcessAsync(folder, "purge", "--store", storage, "--table", table);

            Assert.True(code == 2, $"exit {code}: {error}{output}");
            Assert.Equal("configuration error: Frugal:Durable:TaskHub must be 3-45 letters or digits, starting with a letter (was 'bad-hub!')", error.Trim());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Purge_TaskHubWithoutAStorageAccount_ExitsTwoSayingItNeedsOne()
    {
        // A SQLite ledger has no task hubs: --task-hub was ignored without a word.
        var (code, _, error) = await CliRunner.RunAsync("purge", "--store", _ledger.Path, "--task-hub", "OtherHub");

        Assert.Equal(2, code);
        Assert.Contains("--task-hub: applies only with --store naming a storage account", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Purge_StorageAccountWithoutTheCostTable_GoesOnToTheTaskHub()
    {
        // frugal run --store keeps its cost records in the local ledger, so its account has no cost table; the purge was
        // refused for it, and that task hub's runs could not be purged at all.
        var storage = Environment.GetEnvironmentVariable("FRUGAL_TEST_AZURITE") is { Length: > 0 } s ? s : "UseDevelopmentStorage=true";
        var table = "NoSuchCosts" + Guid.NewGuid().ToString("N")[..8];
        var hub = "NoSuchHub" + Guid.NewGuid().ToString("N")[..8];

        var (_, _, error) = await CliRunner.RunAsync("purge", "--store", storage, "--table", table, "--task-hub", hub);

        Assert.StartsWith($"the storage account in --store has no cost table '{table}': no cost records there to purge", error.Trim(), StringComparison.Ordinal);
        Assert.EndsWith($"--task-hub: this storage account has no task hub '{hub}' (its instances table does not exist); no run was purged", error.Trim(), StringComparison.Ordinal);
        await foreach (var _ in new Azure.Data.Tables.TableServiceClient(storage).QueryAsync(t => t.Name == table))
        {
            Assert.Fail("the table was created");
        }
    }

    [Theory]
    [InlineData("purge", "--dry-run")]
    [InlineData("cost", "report")]
    [InlineData("plan")]
    public async Task LedgerCommand_TableWithASqliteLedger_ExitsTwoSayingItNeedsAStorageAccount(params string[] command)
    {
        // --table without --store read the local file as if it were the account's ledger, without a word.
        var (code, output, error) = await CliRunner.RunAsync([.. command, "--store", _ledger.Path, "--table", "FrugalCosts"]);

        Assert.Equal(2, code);
        Assert.Contains("--table: applies only with --store naming a storage account", error, StringComparison.Ordinal);
        Assert.DoesNotContain("Would delete", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("cost", "report")]
    [InlineData("plan")]
    public async Task LedgerCommand_TableNotInTheStorageAccount_ExitsTwoNamingIt(params string[] command)
    {
        // Reading a table creates it: a misspelt --table reported nothing spent, and left an empty table behind.
        var storage = Environment.GetEnvironmentVariable("FRUGAL_TEST_AZURITE") is { Length: > 0 } s ? s : "UseDevelopmentStorage=true";
        var table = "NoSuchCosts" + Guid.NewGuid().ToString("N")[..8];

        var (code, _, error) = await CliRunner.RunAsync([.. command, "--store", storage, "--table", table]);

        Assert.Equal(2, code);
        Assert.StartsWith($"--table: the storage account in --store has no table '{table}'", error.Trim(), StringComparison.Ordinal);
        await foreach (var _ in new Azure.Data.Tables.TableServiceClient(storage).QueryAsync(t => t.Name == table))
        {
            Assert.Fail("the table was created");
        }
    }

    [Theory]
    [InlineData("purge")]
    [InlineData("cost", "report")]
    [InlineData("plan")]
    public async Task LedgerCommand_TableEndpointWithoutAnAzureSignIn_ExitsOneSayingHowToSignIn(params string[] command)
    {
        // The deployed account allows no shared keys, so its ledger is read by endpoint as the signed-in user; this
        // machine has no sign-in, which must read as one line, not as the SDK's exception.
        var (code, _, error) = await CliRunner.RunAsync([.. command, "--store", "https://frugalnowhere.table.core.windows.net/"]);

        Assert.Equal(1, code);
        Assert.Equal(
            "cannot read the cost ledger at table 'FrugalCosts' of the storage account in --store: no Azure sign-in to read it with (DefaultAzureCredential found none: az login, AZURE_* environment variables or a managed identity); sign in, or pass a connection string",
            error.Trim());
    }

    [Fact]
    public async Task AzureStoragePurge_EndpointNotOfTheAccountForm_RefusedNamingTheForm()
    {
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => Frugal.Hosting.Durable.AzureStorageRunPurger.PurgeAsync(
            new Uri("http://127.0.0.1:10002/devstoreaccount1"), new Azure.Identity.DefaultAzureCredential(), "FrugalHub", DateTimeOffset.UtcNow));

        Assert.StartsWith("'http://127.0.0.1:10002/devstoreaccount1' is not a table endpoint of the form https://<account>.table.core.windows.net/", ex.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _ledger.Dispose();
}
