using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Frugal.Cli.Commands;

namespace Frugal.Hosting.Tests.Cli;

public sealed class RouterCommandTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("frugal-router-");

    public void Dispose() => _directory.Delete(recursive: true);

    [Fact]
    public async Task Eval_CsvMissingColumn_ExitsTwoNamingFileAndLine()
    {
        var csv = Write("data.csv", "id,source,prompt,cheap_score\na,gsm8k,p,1\n");

        var (code, _, error) = await InvokeAsync("router", "eval", "--router", "default", "--data", csv);

        Assert.Equal(2, code);
        Assert.Contains($"{csv}:1: missing column(s) premium_score", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Train_NonNumericScore_ExitsTwoNamingRecordStartLine()
    {
        var csv = Write("data.csv", "id,source,prompt,cheap_score,premium_score\na,gsm8k,\"two\nlines\",1,0\nb,gsm8k,p,1,high\n");

        var (code, _, error) = await InvokeAsync("router", "train", "--data", csv, "--out", Path.Combine(_directory.FullName, "r"));

        Assert.Equal(2, code);
        Assert.Contains($"{csv}:4: 'premium_score' is 'high', not a number.", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Train_TooFewRowsAfterTheHoldout_ExitsTwoNamingTheFileBeforeEmbeddingAnything()
    {
        // It embedded every prompt, then failed with "Training needs at least 10 examples ... (Parameter 'examples')", exit 1.
        var csv = Write("data.csv", Synthetic(3));

        var (code, _, error) = await CliRunner.RunAsync("router", "train", "--data", csv, "--out", Path.Combine(_directory.FullName, "r"));

        Assert.Equal(2, code);
        Assert.Contains($"{csv}: 3 row(s) to train on (3 in all, 0 held out by --holdout", error, StringComparison.Ordinal);
        Assert.Contains("a router needs at least 10", error, StringComparison.Ordinal);
        Assert.DoesNotContain("Embedding", error, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("train", "--k", "0", "--k: '0' is not a whole number above 0")]
    [InlineData("train", "--temperature", "0", "--temperature: '0' is not a number above 0")]
    [InlineData("train", "--l2", "-1", "--l2: '-1' is not a number from 0 up")]
    [InlineData("train", "--neighbour-weight", "2", "--neighbour-weight: '2' is not a weight from 0 to 1")]
    [InlineData("train", "--holdout", "half", "--holdout: 'half' is not a share from 0 to 0.9")]
    [InlineData("eval", "--target", "abc", "--target: 'abc' is not a fraction above 0, at most 1")]
    [InlineData("eval", "--target", "1.2", "--target: '1.2' is not a fraction above 0, at most 1")]
    public async Task Router_NumberOutOfRange_ExitsTwoNamingTheOptionBeforeEmbeddingAnything(string command, string option, string value, string message)
    {
        var csv = Write("data.csv", Synthetic(12));
        string[] args = command == "train"
            ? ["router", "train", "--data", csv, "--out", Path.Combine(_directory.FullName, "r"), option, value]
            : ["router", "eval", "--router", "default", "--data", csv, option, value];

        var (code, _, error) = await CliRunner.RunAsync(args);

        Assert.Equal(2, code);
        Assert.Contains(message, error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_directory.FullName, "r")));
    }

    [Fact]
    public async Task Train_Cancelled_ExitsWithTheCancelledCodeInsteadOfCrashing()
    {
        // SIGTERM or Ctrl+C while embedding ended in an unhandled TaskCanceledException and exit 134.
        var csv = Write("data.csv", Synthetic(40));
        var router = Path.Combine(_directory.FullName, "router");
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = await Frugal.Cli.CliApp.RunAsync(["router", "train", "--data", csv, "--out", router], output, error, new CancellationToken(canceled: true));

        Assert.Equal(130, code);
        Assert.Equal("cancelled", error.ToString().Trim());
        Assert.False(Directory.Exists(router));
    }

    [Fact]
    public async Task Eval_MissingRouterFolder_ExitsTwoNamingFolder()
    {
        var csv = Write("data.csv", Synthetic(12));
        var folder = Path.Combine(_directory.FullName, "missing");

        var (code, _, error) = await InvokeAsync("router", "eval", "--router", folder, "--data", csv);

        Assert.Equal(2, code);
        Assert.Contains($"Router folder '{folder}' does not exist.", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Eval_RouterIsAFile_ExitsTwoSayingToNameItsFolder()
    {
        // router.json given for its folder was said not to exist.
        var csv = Write("data.csv", Synthetic(12));
        var file = Write("router.json", "{}");

        var (code, _, error) = await CliRunner.RunAsync("router", "eval", "--router", file, "--data", csv);

        Assert.Equal(2, code);
        Assert.Contains($"'{file}' is a file; a router is the folder that holds router.json (name its folder).", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TrainThenEval_SyntheticData_PrintsOneJsonObjectWithFigures()
    {
        var csv = Write("data.csv", Synthetic(40));
        var router = Path.Combine(_directory.FullName, "router");

        var (trained, _, trainError) = await InvokeAsync("router", "train", "--data", csv, "--out", router, "--name", "mine", "--holdout", "0.3");
        var (code, output, _) = await InvokeAsync("router", "eval", "--router", router, "--data", csv, "--target", "0.95", "--json");

        Assert.True(trained == 0, trainError);
        Assert.Equal(0, code);
        var json = JsonNode.Parse(output)!.AsObject();
        foreach (var key in new[] { "rows", "premium_share", "quality", "cheap_only_quality", "premium_only_quality", "apgr", "random_premium_share", "p50_decision_ms", "p99_decision_ms" })
        {
            Assert.True(json.ContainsKey(key), key);
        }

        Assert.Equal(40, json["rows"]!.GetValue<int>());
        Assert.Equal("mine", json["router"]!.GetValue<string>());

        // Training does not time decisions; its card said 0 ms for them, which read as a measurement.
        Assert.DoesNotContain("decision_ms", File.ReadAllText(Path.Combine(router, "card.json")), StringComparison.Ordinal);
        Assert.Equal(["gsm8k", "mmlu"], json["by_source"]!.AsObject().Select(p => p.Key));
        Assert.True(File.Exists(Path.Combine(router, "card.json")));
    }

    [Theory]
    [InlineData("rules")]
    [InlineData("Rules")]
    public async Task Eval_RulesRouter_MeasuresTheRulesClassifier(string router)
    {
        // 'rules' is the built-in classifier ('router: rules' in a classify step); eval said the folder "rules" did not exist.
        var csv = Write("data.csv", Synthetic(20));

        var (code, output, error) = await InvokeAsync("router", "eval", "--router", router, "--data", csv, "--json");

        Assert.True(code == 0, error);
        var json = JsonNode.Parse(output)!.AsObject();
        Assert.Equal("rules", json["router"]!.GetValue<string>());
        Assert.Equal(20, json["rows"]!.GetValue<int>());
    }

    [Fact]
    public async Task Eval_DefaultRouter_Resolves()
    {
        var csv = Write("data.csv", Synthetic(10));

        var (code, output, error) = await InvokeAsync("router", "eval", "--router", "default", "--data", csv);

        Assert.True(code == 0, error);
        Assert.Contains("Router 'default'", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Train_WithFeedbackStore_AddsTheExamplesLearntInProduction()
    {
        var csv = Write("data.csv", Synthetic(30));
        var db = Path.Combine(_directory.FullName, "feedback.db");
        var store = new Frugal.Routing.Feedback.SqliteRoutingFeedbackStore(
            Microsoft.Extensions.Options.Options.Create(new Frugal.Routing.Feedback.RoutingFeedbackOptions { Enabled = true, Path = db }), TimeProvider.System);
        await store.AddAsync(new Frugal.Models.RoutingFeedback("run-1", "answer", "escalation", null, "Prove that the square root of two is irrational.", 0, 1), CancellationToken.None);
        await store.AddAsync(new Frugal.Models.RoutingFeedback("run-2", "answer", "user", null, "What colour is the sky?", 1, 1), CancellationToken.None);

        var (code, _, error) = await InvokeAsync("router", "train", "--data", csv, "--out", Path.Combine(_directory.FullName, "r"), "--feedback", db);

        Assert.True(code == 0, error);
        Assert.Contains("Adding 2 example(s) learnt in production", error, StringComparison.Ordinal);
        Assert.Contains("32", File.ReadAllText(Path.Combine(_directory.FullName, "r", "card.json")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Train_WithFeedbackTable_AddsTheExamplesTheFunctionsAppKept()
    {
        // A scaled-out Functions app keeps its feedback in a table (Frugal:Routing:Feedback:Store table); train could
        // read only a SQLite file.
        var csv = Write("data.csv", Synthetic(30));
        string azurite = Environment.GetEnvironmentVariable("FRUGAL_TEST_AZURITE") is { Length: > 0 } s ? s : "UseDevelopmentStorage=true";
        var table = new Azure.Data.Tables.TableClient(azurite, "feedback" + Guid.NewGuid().ToString("N")[..12]);
        try
        {
            var store = new Frugal.Routing.Feedback.TableRoutingFeedbackStore(table);
            await store.AddAsync(new Frugal.Models.RoutingFeedback("run-1", "answer", "escalation", null, "Prove that the square root of two is irrational.", 0, 1), CancellationToken.None);
            await store.AddAsync(new Frugal.Models.RoutingFeedback("run-2", "answer", "user", null, "What colour is the sky?", 1, 1), CancellationToken.None);

            var (code, _, error) = await InvokeAsync("router", "train", "--data", csv, "--out", Path.Combine(_directory.FullName, "r"), "--feedback", azurite, "--feedback-table", table.Name);

            Assert.True(code == 0, error);
            Assert.Contains($"Adding 2 example(s) learnt in production from table '{table.Name}' of the storage account in --feedback.", error, StringComparison.Ordinal);
            Assert.Contains("32", File.ReadAllText(Path.Combine(_directory.FullName, "r", "card.json")), StringComparison.Ordinal);
        }
        finally
        {
            await table.DeleteAsync();
        }
    }

    [Fact]
    public async Task Train_FeedbackTableMissing_ExitsTwoNamingItAndCreatesNothing()
    {
        var csv = Write("data.csv", Synthetic(10));
        string azurite = Environment.GetEnvironmentVariable("FRUGAL_TEST_AZURITE") is { Length: > 0 } s ? s : "UseDevelopmentStorage=true";
        string name = "nofeedback" + Guid.NewGuid().ToString("N")[..12];

        var (code, _, error) = await InvokeAsync("router", "train", "--data", csv, "--out", Path.Combine(_directory.FullName, "r"), "--feedback", azurite, "--feedback-table", name);

        Assert.Equal(2, code);
        Assert.Equal($"--feedback-table: the storage account in --feedback has no table '{name}' (the feedback loop keeps its examples in FrugalFeedback unless Frugal:Routing:Feedback:TableName says otherwise)", error.Trim());
        await foreach (var _ in new Azure.Data.Tables.TableServiceClient(azurite).QueryAsync(t => t.Name == name))
        {
            Assert.Fail($"table '{name}' was created");
        }
    }

    [Fact]
    public async Task Train_FeedbackAccountWithoutAnAzureSignIn_ExitsOneAsTheCostCommandsDo()
    {
        // An account that cannot be read is not bad input: it was exit 2, where frugal cost report and purge exit 1 for
        // their ledger in the same account.
        var csv = Write("data.csv", Synthetic(10));

        var (code, _, error) = await InvokeAsync("router", "train", "--data", csv, "--out", Path.Combine(_directory.FullName, "r"), "--feedback", "https://frugalnowhere.table.core.windows.net/");

        Assert.Equal(1, code);
        Assert.Equal(
            "cannot read the feedback table 'FrugalFeedback' of the storage account in --feedback: no Azure sign-in to read it with (DefaultAzureCredential found none: az login, AZURE_* environment variables or a managed identity); sign in, or pass a connection string",
            error.Trim());
        Assert.False(Directory.Exists(Path.Combine(_directory.FullName, "r")));
    }

    [Fact]
    public async Task Train_MissingFeedbackStore_ExitsTwoNamingIt()
    {
        var csv = Write("data.csv", Synthetic(10));

        var (code, _, error) = await InvokeAsync("router", "train", "--data", csv, "--out", Path.Combine(_directory.FullName, "r"), "--feedback", "/no/feedback.db");

        Assert.Equal(2, code);
        Assert.Contains("/no/feedback.db: feedback store not found", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Train_FeedbackIsNotSqlite_ExitsTwoNamingIt()
    {
        // It failed with "error: SQLite Error 26: 'file is not a database'", exit 1, naming no file.
        var csv = Write("data.csv", Synthetic(10));
        var db = Write("notes.db", "not a database");

        var (code, _, error) = await InvokeAsync("router", "train", "--data", csv, "--out", Path.Combine(_directory.FullName, "r"), "--feedback", db);

        Assert.Equal(2, code);
        Assert.Equal($"{db}: not a feedback store: SQLite Error 26: 'file is not a database'.", error.Trim());
    }

    [Fact]
    public async Task Train_FeedbackIsAnotherDatabase_ExitsTwoAndLeavesItUnchanged()
    {
        // The cost ledger given by mistake got the store's two tables created in it, and the router trained on
        // "0 example(s) learnt in production".
        var csv = Write("data.csv", Synthetic(10));
        var db = Path.Combine(_directory.FullName, "costs.db");
        await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={db};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "CREATE TABLE cost_records (run_id TEXT)";
            await command.ExecuteNonQueryAsync();
        }

        var before = File.ReadAllBytes(db);

        var (code, _, error) = await InvokeAsync("router", "train", "--data", csv, "--out", Path.Combine(_directory.FullName, "r"), "--feedback", db);

        Assert.Equal(2, code);
        Assert.Equal($"{db}: not a feedback store: it has no 'examples' table (the store is Frugal:Routing:Feedback:Path, e.g. .frugal/feedback.db)", error.Trim());
        Assert.Equal(before, File.ReadAllBytes(db));
    }

    [Fact]
    public async Task Train_OutIsAFile_ExitsTwoBeforeEmbeddingAnything()
    {
        // It embedded every prompt and trained (about 10 minutes on the real training set), then failed with
        // "The file ... already exists", exit 1.
        var csv = Write("data.csv", Synthetic(12));
        var file = Write("README.md", "# mine");

        var (code, output, error) = await CliRunner.RunAsync("router", "train", "--data", csv, "--out", file);

        Assert.Equal(2, code);
        Assert.Contains($"--out: '{file}' is a file; --out names the folder to write the router to", error, StringComparison.Ordinal);
        Assert.Contains("Usage:", output + error, StringComparison.Ordinal);
        Assert.DoesNotContain("Embedded", error, StringComparison.Ordinal);
        Assert.Equal("# mine", File.ReadAllText(file));
    }

    [Fact]
    public async Task Train_HoldoutOutIsTheDataFile_ExitsTwoLeavingTheDataAlone()
    {
        // The held-out rows were written over the training data, after embedding and training.
        var csv = Write("data.csv", Synthetic(12));
        var before = File.ReadAllText(csv);

        var (code, _, error) = await CliRunner.RunAsync("router", "train", "--data", csv, "--out", Path.Combine(_directory.FullName, "r"), "--holdout", "0.3", "--holdout-out", csv);

        Assert.Equal(2, code);
        Assert.Contains($"--holdout-out: '{csv}' is the --data file; writing the held-out rows there would replace the training data", error, StringComparison.Ordinal);
        Assert.DoesNotContain("Embedded", error, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllText(csv));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Train_FeedbackTableWithoutAStorageAccount_ExitsTwoSayingItNeedsOne(bool sqliteFeedback)
    {
        // The router was trained without the production examples the table was named for, and nothing said so.
        var csv = Write("data.csv", Synthetic(12));
        string[] args = ["router", "train", "--data", csv, "--out", Path.Combine(_directory.FullName, "r"), "--feedback-table", "FrugalFeedback"];
        if (sqliteFeedback)
        {
            args = [.. args, "--feedback", Path.Combine(_directory.FullName, "feedback.db")];
        }

        var (code, _, error) = await CliRunner.RunAsync(args);

        Assert.Equal(2, code);
        Assert.Contains("--feedback-table: applies only with --feedback naming a storage account", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_directory.FullName, "r")));
    }

    [Theory]
    [InlineData("--holdout-out")]
    [InlineData("--cache")]
    public async Task Train_FileInAFolderThatCannotBeWritten_ExitsTwoNamingItBeforeEmbeddingAnything(string option)
    {
        // Written after every prompt was embedded: it failed then with "error: Access to the path '...' is denied".
        if (LockedPaths.UnwritableFolder() is not { } folder)
        {
            return;
        }

        var csv = Write("data.csv", Synthetic(12));
        var target = Path.Combine(folder, "frugal-out.bin");

        var (code, _, error) = await CliRunner.RunAsync("router", "train", "--data", csv, "--out", Path.Combine(_directory.FullName, "r"), "--holdout", "0.3", option, target);

        Assert.Equal(2, code);
        Assert.StartsWith($"{option}: the folder '{folder}' cannot be written to (Access to the path ", error.Trim(), StringComparison.Ordinal);
        Assert.DoesNotContain("Embedded", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("folder")]
    [InlineData("missing")]
    public async Task Train_HoldoutOutCannotBeWritten_ExitsTwoBeforeEmbeddingAnything(string what)
    {
        var csv = Write("data.csv", Synthetic(12));
        var target = what == "folder" ? _directory.FullName : Path.Combine(_directory.FullName, "no-such-folder", "held.csv");

        var (code, _, error) = await CliRunner.RunAsync("router", "train", "--data", csv, "--out", Path.Combine(_directory.FullName, "r"), "--holdout", "0.3", "--holdout-out", target);

        Assert.Equal(2, code);
        Assert.Contains(what == "folder" ? $"--holdout-out: '{target}' is a folder" : $"--holdout-out: the folder '{Path.GetDirectoryName(target)}' does not exist", error, StringComparison.Ordinal);
        Assert.DoesNotContain("Embedded", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Train_CacheIsNotACache_ExitsTwoBeforeEmbeddingAnythingAndLeavesItAlone()
    {
        // Its first bytes read as a count of entries: OutOfMemoryException (or "Unable to read beyond the end of the
        // stream" for an empty file), exit 1.
        var csv = Write("data.csv", Synthetic(12));
        var notes = Write("notes.txt", "my notes, not a cache");

        var (code, _, error) = await CliRunner.RunAsync("router", "train", "--data", csv, "--out", Path.Combine(_directory.FullName, "r"), "--cache", notes);

        Assert.Equal(2, code);
        Assert.Equal($"--cache: '{notes}' is not an embeddings cache (the file router train --cache writes); name another file, or delete this one if it is a cache cut short", error.Trim());
        Assert.Equal("my notes, not a cache", File.ReadAllText(notes));
    }

    [Fact]
    public async Task Train_CacheWrittenByAnEarlierRun_IsReadBackAndReused()
    {
        var csv = Write("data.csv", Synthetic(12));
        var cache = Path.Combine(_directory.FullName, "cache.bin");
        var first = await CliRunner.RunAsync("router", "train", "--data", csv, "--out", Path.Combine(_directory.FullName, "r1"), "--cache", cache);

        var (code, output, error) = await CliRunner.RunAsync("router", "train", "--data", csv, "--out", Path.Combine(_directory.FullName, "r2"), "--cache", cache);

        Assert.Equal((0, 0), (first.Code, code));
        Assert.Contains($"Reusing 12 embeddings from {cache}.", output + error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Train_CacheWhoseKeyLengthIsNegative_ExitsTwoSayingItIsNotACache()
    {
        // One entry whose key's length reads -1 (7-bit encoded): BinaryReader.ReadString threw a plain IOException
        // ("invalid string length"), which ended the command with "error: ...", exit 1.
        var csv = Write("data.csv", Synthetic(12));
        var cache = Path.Combine(_directory.FullName, "cache.bin");
        File.WriteAllBytes(cache, [1, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0, 0, 0, 0]);

        var (code, _, error) = await CliRunner.RunAsync("router", "train", "--data", csv, "--out", Path.Combine(_directory.FullName, "r"), "--cache", cache);

        Assert.Equal(2, code);
        Assert.Equal($"--cache: '{cache}' is not an embeddings cache (the file router train --cache writes); name another file, or delete this one if it is a cache cut short", error.Trim());
    }

    [Theory]
    [InlineData("folder")]
    [InlineData("missing")]
    public async Task Train_CacheCannotBeWritten_ExitsTwoBeforeEmbeddingAnything(string what)
    {
        // Written after every prompt was embedded: a folder failed then with "error: Permission denied", exit 1.
        var csv = Write("data.csv", Synthetic(12));
        var target = what == "folder" ? _directory.FullName : Path.Combine(_directory.FullName, "no-such-folder", "cache.bin");

        var (code, _, error) = await CliRunner.RunAsync("router", "train", "--data", csv, "--out", Path.Combine(_directory.FullName, "r"), "--cache", target);

        Assert.Equal(2, code);
        Assert.Contains(what == "folder" ? $"--cache: '{target}' is a folder; --cache names the file that keeps the embeddings" : $"--cache: the folder '{Path.GetDirectoryName(target)}' does not exist", error, StringComparison.Ordinal);
        Assert.DoesNotContain("Embedded", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Eval_DataThatCannotBeRead_ExitsTwoNamingIt()
    {
        // It ended with "error: Permission denied", exit 1, naming no file. A bus's drivers_probe is write-only in
        // sysfs: not even root may read it.
        const string data = "/sys/bus/cpu/drivers_probe";
        if (!File.Exists(data))
        {
            return;
        }

        var (code, _, error) = await CliRunner.RunAsync("router", "eval", "--router", "rules", "--data", data);

        Assert.Equal(2, code);
        Assert.Equal($"{data}: cannot read the file: Access to the path '{data}' is denied.", error.Trim());
    }

    [Fact]
    public async Task Eval_RouterFileThatCannotBeRead_ExitsTwoNamingIt()
    {
        // It ended with "error: Access to the path '...' is denied", exit 1, as a failure that was not the input's. The
        // router.json here is a link to a bus's drivers_probe, write-only in sysfs: not even root may read it.
        const string locked = "/sys/bus/cpu/drivers_probe";
        if (OperatingSystem.IsWindows() || !File.Exists(locked))
        {
            return;
        }

        var csv = Write("data.csv", Synthetic(12));
        var folder = _directory.CreateSubdirectory("locked-router").FullName;
        var file = Path.Combine(folder, "router.json");
        File.CreateSymbolicLink(file, locked);

        var (code, _, error) = await CliRunner.RunAsync("router", "eval", "--router", folder, "--data", csv);

        Assert.Equal(2, code);
        Assert.Equal($"{file}: cannot read the file: Access to the path '{file}' is denied.", error.Trim());
    }

    [Fact]
    public async Task Train_CacheThatCannotBeRead_ExitsTwoNamingItBeforeEmbeddingAnything()
    {
        // An existing --cache is read before any prompt is embedded; one this account may not read ended with "error:
        // Access to the path '...' is denied", exit 1, as a failure that was not the input's.
        const string locked = "/sys/bus/cpu/drivers_probe";
        if (OperatingSystem.IsWindows() || !File.Exists(locked))
        {
            return;
        }

        var csv = Write("data.csv", Synthetic(12));

        var (code, _, error) = await CliRunner.RunAsync("router", "train", "--data", csv, "--out", Path.Combine(_directory.FullName, "r"), "--cache", locked);

        Assert.Equal(2, code);
        Assert.Equal($"--cache: cannot read '{locked}': Access to the path '{locked}' is denied.", error.Trim());
        Assert.False(Directory.Exists(Path.Combine(_directory.FullName, "r")));
    }

    [Fact]
    public async Task Eval_DataIsAFolder_ExitsTwoSayingSo()
    {
        // It said "the file does not exist" of a folder that is there.
        var (code, _, error) = await CliRunner.RunAsync("router", "eval", "--router", "rules", "--data", _directory.FullName);

        Assert.Equal(2, code);
        Assert.Equal($"{_directory.FullName}: is a folder; name a labelled CSV file (id,source,prompt,cheap_score,premium_score).", error.Trim());
    }

    [Theory]
    [InlineData("--holdout-out", "writes the held-out rows")]
    [InlineData("--refit", "retrains on every row after measuring on the held-out ones")]
    public async Task Train_HoldoutOptionWithoutAHoldout_ExitsTwoBeforeEmbeddingAnything(string option, string what)
    {
        // Without --holdout they did nothing, without a word: no held-out file was written, no second training ran.
        var csv = Write("data.csv", Synthetic(12));
        string[] value = option == "--refit" ? [] : [Path.Combine(_directory.FullName, "held.csv")];

        var (code, _, error) = await CliRunner.RunAsync(["router", "train", "--data", csv, "--out", Path.Combine(_directory.FullName, "r"), option, .. value]);

        Assert.Equal(2, code);
        Assert.Contains($"{option}: applies only with --holdout (it {what}); without one no row is held out", error, StringComparison.Ordinal);
        Assert.DoesNotContain("Embedded", error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_directory.FullName, "held.csv")));
        Assert.False(Directory.Exists(Path.Combine(_directory.FullName, "r")));
    }

    [Fact]
    public async Task Train_OutUnderAFile_ExitsTwoSayingTheFolderCannotBeMade()
    {
        var csv = Write("data.csv", Synthetic(12));
        var file = Write("notes.txt", "x");

        var (code, _, error) = await CliRunner.RunAsync("router", "train", "--data", csv, "--out", Path.Combine(file, "r"));

        Assert.Equal(2, code);
        Assert.Contains($"--out: '{file}' is a file, so the folder '{Path.Combine(file, "r")}' cannot be made", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Train_OutAFolderWithAReadmeButNoRouter_ExitsTwoLeavingItAlone()
    {
        // --out . in a repository wrote the router's README.md over the project's.
        var csv = Write("data.csv", Synthetic(12));
        var readme = Write("README.md", "# the project");

        var (code, _, error) = await CliRunner.RunAsync("router", "train", "--data", csv, "--out", _directory.FullName);

        Assert.Equal(2, code);
        Assert.Contains($"--out: writing the router to '{_directory.FullName}' would replace its README.md (it holds no router, router.json)", error, StringComparison.Ordinal);
        Assert.Equal("# the project", File.ReadAllText(readme));
    }

    [Fact]
    public async Task Train_OutInAFolderThatCannotBeWritten_ExitsTwoNamingIt()
    {
        // Not even root may create files in sysfs; the check is on the folder the router's would be made in.
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var csv = Write("data.csv", Synthetic(12));

        var (code, _, error) = await CliRunner.RunAsync("router", "train", "--data", csv, "--out", "/sys/frugal-router/r");

        Assert.Equal(2, code);
        Assert.Contains("--out: the folder '/sys' cannot be written to (", error, StringComparison.Ordinal);
    }

    private static string Synthetic(int rows)
    {
        var text = new StringBuilder("id,source,prompt,cheap_score,premium_score\n");
        for (var i = 0; i < rows; i++)
        {
            var math = i % 2 == 0;
            var prompt = math
                ? $"\"Sam has {i} marbles and buys {i * 3} more, then gives away half.\nHow many marbles are left?\""
                : $"\"Which of these is a mammal?\nA. shark {i}\nB. whale\nC. trout\nD. eel\nAnswer:\"";
            text.Append(CultureInfo.InvariantCulture, $"s{i},{(math ? "gsm8k" : "mmlu/biology")},{prompt},{(math ? 0 : 1)},{(i % 3 == 0 ? 0 : 1)}\n");
        }

        return text.ToString();
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_directory.FullName, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static async Task<(int Code, string Output, string Error)> InvokeAsync(params string[] args)
    {
        var root = new RootCommand { RouterCommand.Create() };
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (code, output.ToString(), error.ToString());
    }
}
