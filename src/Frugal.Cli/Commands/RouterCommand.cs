using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Frugal.Classification;
using Frugal.Cli.Costs;
using Frugal.Cli.Local;
using Frugal.Cli.Routing;
using Frugal.Onnx.Routing;
using Frugal.Routing;
using Frugal.Routing.Feedback;
using Microsoft.Extensions.Configuration;

namespace Frugal.Cli.Commands;

/// <summary><c>frugal router train|eval</c>: learned complexity routers from labelled prompts.</summary>
internal static class RouterCommand
{
    public static Command Create() => new("router", "Train and evaluate learned complexity routers")
    {
        CreateTrain(),
        CreateEval(),
    };

    private static Command CreateTrain()
    {
        var data = new Option<FileInfo>("--data") { Description = "Labelled CSV: id,source,prompt,cheap_score,premium_score", Required = true };
        var output = new Option<DirectoryInfo>("--out") { Description = "The router folder to write", Required = true };
        output.Validators.Add(result =>
        {
            // Said before embedding every prompt (minutes on the real training set): the save after training failed.
            if (result.GetValueOrDefault<DirectoryInfo>() is { } folder && OutProblem(folder) is { } problem)
            {
                result.AddError($"--out: {problem}");
            }
        });
        var name = new Option<string>("--name") { Description = "The router's name (what router: names)", DefaultValueFactory = _ => RoutingOptions.DefaultRouterName };
        var holdout = NumberOption.Create("--holdout", "Hold out this share of rows (split by a hash of id) and print figures on them", v => v is >= 0 and <= 0.9, "a share from 0 to 0.9", 0.0);
        var holdoutOut = new Option<FileInfo?>("--holdout-out") { Description = "Write the held-out rows to this CSV (for 'router eval')" };
        RequireWritableFile(holdoutOut, "the CSV file to write");
        var refit = new Option<bool>("--refit") { Description = "After measuring on the hold-out, retrain on every row and save that router" };
        var defaults = new RouterTrainingOptions();
        var kind = new Option<string>("--kind") { Description = "logistic, knn or ensemble", DefaultValueFactory = _ => defaults.Kind };
        kind.AcceptOnlyFromAmong([.. RouterTrainingOptions.Kinds]);
        var k = NumberOption.Create("--k", "Neighbours that vote", v => v >= 1, "a whole number above 0", defaults.K);
        var temperature = NumberOption.Create("--temperature", "Neighbour similarity temperature", v => v > 0, "a number above 0", defaults.Temperature);
        var weight = NumberOption.Create("--neighbour-weight", "Weight of the neighbour vote in an ensemble", v => v is >= 0 and <= 1, "a weight from 0 to 1", defaults.NeighbourWeight);
        var l2 = NumberOption.Create("--l2", "L2 penalty of the logistic heads", v => v >= 0, "a number from 0 up", defaults.L2);
        var target = TargetOption();
        var cache = new Option<FileInfo?>("--cache") { Description = "Keep embeddings in this file and reuse them on the next run" };
        RequireWritableFile(cache, "the file that keeps the embeddings");
        var feedback = new Option<string?>("--feedback")
        {
            Description = "Also train on the examples learnt in production (escalations, user verdicts): the feedback store, a SQLite file (e.g. .frugal/feedback.db), an Azure Storage connection string or the account's table endpoint (https://<account>.table.core.windows.net/, read as the signed-in user: az login)",
        };
        feedback.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is { } value && LedgerStore.IsConnectionString(value) && StorageErrors.ConnectionStringProblem(value) is { } problem)
            {
                result.AddError($"--feedback: {problem}");
            }
        });
        var feedbackTable = new Option<string>("--feedback-table")
        {
            Description = "Table name when --feedback is a storage account (Frugal:Routing:Feedback:TableName, else FrugalFeedback)",
            DefaultValueFactory = _ => LocalRuntime.ReadConfiguration().GetSection(RoutingFeedbackOptions.Section).Get<RoutingFeedbackOptions>()?.TableName ?? new RoutingFeedbackOptions().TableName,
        };

        var command = new Command("train", "Train a router: embed the prompts with MiniLM and fit the expected gain of premium over cheap")
        {
            data, output, name, holdout, holdoutOut, refit, kind, k, temperature, weight, l2, target, cache, feedback, feedbackTable,
        };
        command.Validators.Add(result =>
        {
            // The held-out rows written over the training data would leave the user a tenth of it.
            if (result.GetValue(holdoutOut) is { } held && result.GetValue(data) is { } source
                && string.Equals(held.FullName, source.FullName, StringComparison.Ordinal))
            {
                result.AddError($"--holdout-out: '{held.FullName}' is the --data file; writing the held-out rows there would replace the training data");
            }

            if (result.GetResult(feedbackTable) is { Implicit: false } && !LedgerStore.IsAzure(result.GetValue(feedback) ?? string.Empty))
            {
                result.AddError("--feedback-table: applies only with --feedback naming a storage account (whose table of examples is read)");
            }

            // Without a hold-out they did nothing, without a word: no held-out file was written, no second training ran.
            double fraction;
            try
            {
                fraction = result.GetValue(holdout);
            }
            catch (InvalidOperationException)
            {
                // A --holdout that did not parse has its own error already (reading it throws that error).
                return;
            }

            if (fraction <= 0)
            {
                foreach (var (option, what) in new (Option, string)[] { (holdoutOut, "writes the held-out rows"), (refit, "retrains on every row after measuring on the held-out ones") })
                {
                    if (result.GetResult(option) is { Implicit: false })
                    {
                        result.AddError($"{option.Name}: applies only with --holdout (it {what}); without one no row is held out");
                    }
                }
            }
        });
        command.SetAction(async (parse, cancellationToken) =>
        {
            var error = parse.InvocationConfiguration.Error;
            var file = parse.GetValue(data)!;
            var examples = await ReadDataAsync(file.FullName, error);
            if (examples is null)
            {
                return ExitCodes.BadInput;
            }

            if (parse.GetValue(feedback) is { } store)
            {
                bool azure = LedgerStore.IsAzure(store);
                string where = azure ? $"table '{parse.GetValue(feedbackTable)}' of the storage account in --feedback" : Path.GetFullPath(store);
                if (!azure && !File.Exists(store))
                {
                    await error.WriteLineAsync($"{where}: feedback store not found (Frugal:Routing:Feedback:Path)");
                    return ExitCodes.BadInput;
                }

                List<RoutingExample> learnt;
                try
                {
                    learnt = await FeedbackExamples.ReadAsync(azure ? store : where, parse.GetValue(feedbackTable)!, cancellationToken);
                }
                catch (RoutingDataException ex)
                {
                    await error.WriteLineAsync(ex.Message);
                    return ExitCodes.BadInput;
                }
                catch (FeedbackStoreUnavailableException ex)
                {
                    // An account that does not answer, or refuses the sign-in, is not bad input: exit 1, as frugal cost
                    // report and purge say for their ledger (it was 2, the code for a mistyped option).
                    await error.WriteLineAsync(ex.Message);
                    return ExitCodes.RunFailed;
                }

                await error.WriteLineAsync($"Adding {learnt.Count} example(s) learnt in production from {where}.");
                examples = [.. examples, .. learnt];
            }

            var options = new RouterTrainingOptions
            {
                Name = parse.GetValue(name)!,
                Kind = parse.GetValue(kind)!,
                K = parse.GetValue(k),
                Temperature = parse.GetValue(temperature),
                NeighbourWeight = parse.GetValue(weight),
                L2 = parse.GetValue(l2),
            };
            var fraction = parse.GetValue(holdout);
            var isHoldout = examples.Select(e => fraction > 0 && RoutingSplit.IsHoldout(e.Id, fraction)).ToArray();
            var trainRows = Enumerable.Range(0, examples.Count).Where(i => !isHoldout[i]).ToList();
            if (trainRows.Count < Frugal.Routing.RouterTrainer.MinExamples)
            {
                // Said before embedding every prompt (it embedded them all, then failed with an internal error, exit 1).
                await error.WriteLineAsync(
                    $"{file.FullName}: {trainRows.Count} row(s) to train on ({examples.Count} in all, {examples.Count - trainRows.Count} held out by --holdout {fraction}); a router needs at least {Frugal.Routing.RouterTrainer.MinExamples}");
                return ExitCodes.BadInput;
            }

            using var generator = OnnxRouterEmbeddings.CreateGenerator();
            var identity = OnnxRouterEmbeddings.Identity;
            var vectors = await TrainingEmbeddings.EmbedAsync(generator, examples, parse.GetValue(cache)?.FullName, error, cancellationToken);
            await error.WriteLineAsync($"Training {(options.Kind.ToString().ToLowerInvariant()[0] is 'a' or 'e' or 'i' or 'o' or 'u' ? "an" : "a")} {options.Kind} router on {trainRows.Count} of {examples.Count} rows.");
            var model = RouterTrainer.Train([.. trainRows.Select(i => examples[i])], [.. trainRows.Select(i => vectors[i])], identity, options, TimeProvider.System.GetUtcNow());
            RouterEvaluation? figures = null;
            if (fraction > 0)
            {
                var held = Enumerable.Range(0, examples.Count).Where(i => isHoldout[i]).ToList();
                var scores = held.Select(i => RouterEvaluator.RankingScore(model.Score(vectors[i], examples[i].Prompt))).ToList();
                figures = RouterEvaluator.Summarise(options.Name, scores, [.. held.Select(i => examples[i])], parse.GetValue(target), [], []);
                RouterFiguresTable.Write(figures, parse.InvocationConfiguration.Output);
                if (parse.GetValue(holdoutOut) is { } heldFile)
                {
                    try
                    {
                        RoutingDataWriter.Write(heldFile.FullName, held.Select(i => examples[i]));
                    }
                    catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                    {
                        await error.WriteLineAsync($"--holdout-out: cannot write '{heldFile.FullName}': {ex.Message}");
                        return ExitCodes.BadInput;
                    }

                    await error.WriteLineAsync($"Wrote the {held.Count} held-out rows to {heldFile.FullName}.");
                }

                if (parse.GetValue(refit))
                {
                    await error.WriteLineAsync($"Retraining on all {examples.Count} rows.");
                    model = RouterTrainer.Train(examples, vectors, identity, options, TimeProvider.System.GetUtcNow());
                    trainRows = [.. Enumerable.Range(0, examples.Count)];
                }
            }

            var card = new RouterCard(options.Name, options.Kind, model.Document.Created, RoutingDataIdentity.FromFile(file.FullName, trainRows.Count),
                identity, options, figures);
            RouterArtefact.Save(model, card, parse.GetValue(output)!.FullName);
            await error.WriteLineAsync($"Wrote router '{options.Name}' to {parse.GetValue(output)!.FullName}.");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command CreateEval()
    {
        var router = new Option<string>("--router") { Description = "A router folder, 'default' for the shipped router, or 'rules' for the transparent rules classifier", DefaultValueFactory = _ => RoutingOptions.DefaultRouterName };
        var data = new Option<FileInfo>("--data") { Description = "Labelled CSV: id,source,prompt,cheap_score,premium_score", Required = true };
        var target = TargetOption();
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of a table" };
        var command = new Command("eval", "Measure a router on labelled prompts: premium share at a quality target, APGR, decision latency")
        {
            router, data, target, json,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var error = parse.InvocationConfiguration.Error;
            var examples = await ReadDataAsync(parse.GetValue(data)!.FullName, error);
            if (examples is null)
            {
                return ExitCodes.BadInput;
            }

            // 'rules' is the built-in classifier a classify step names with 'router: rules', not a folder: it said the
            // folder "rules" did not exist, so the baseline a learned router must beat could not be measured.
            var name = parse.GetValue(router)!;
            RouterModel? model = null;
            if (!string.Equals(name, RulesComplexityClassifier.RouterName, StringComparison.OrdinalIgnoreCase))
            {
                try
                {
                    model = RouterArtefact.Load(RoutingOptions.ResolveFolder(name), OnnxRouterEmbeddings.Identity);
                }
                catch (RouterLoadException ex)
                {
                    await error.WriteLineAsync(ex.Message);
                    return ExitCodes.BadInput;
                }
            }

            using var generator = model is null ? null : OnnxRouterEmbeddings.CreateGenerator();
            IComplexityClassifier classifier = model is null ? new RulesComplexityClassifier() : new LearnedComplexityClassifier(model, generator!);

            // Warm-up (JIT, ONNX Runtime's first runs) stays out of the latency figures.
            foreach (var example in examples.Take(8))
            {
                await classifier.ScoreAsync(example.Prompt, cancellationToken);
            }

            var progress = new Progress<int>(n => error.WriteLine($"Scored {n}/{examples.Count} prompts."));
            var evaluation = await RouterEvaluator.EvaluateAsync(classifier, examples, parse.GetValue(target), TimeProvider.System, progress, cancellationToken);
            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json))
            {
                await output.WriteLineAsync(JsonSerializer.Serialize(evaluation, RoutingJsonContext.Default.RouterEvaluation));
            }
            else
            {
                RouterFiguresTable.Write(evaluation, output);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>
    /// Why a router cannot be written to <paramref name="folder"/>, or null: it may be a new folder, an empty one or a
    /// router's (retrained), not a file, nor another folder whose README.md or card.json the router's would replace.
    /// </summary>
    private static string? OutProblem(DirectoryInfo folder)
    {
        if (File.Exists(folder.FullName))
        {
            return $"'{folder.FullName}' is a file; --out names the folder to write the router to";
        }

        var nearest = folder;
        while (!nearest.Exists)
        {
            if (File.Exists(nearest.FullName))
            {
                return $"'{nearest.FullName}' is a file, so the folder '{folder.FullName}' cannot be made";
            }

            nearest = nearest.Parent!;
        }

        if (folder.Exists && !File.Exists(Path.Combine(folder.FullName, RouterArtefact.RouterFile))
            && new[] { "README.md", RouterArtefact.CardFile }.Where(f => File.Exists(Path.Combine(folder.FullName, f))).ToList() is { Count: > 0 } replaced)
        {
            return $"writing the router to '{folder.FullName}' would replace its {string.Join(" and ", replaced)} (it holds no router, {RouterArtefact.RouterFile}); name a new or empty folder, or a router's folder to retrain it";
        }

        return WriteProblem(nearest);
    }

    /// <summary>Why no file can be written in <paramref name="folder"/> (an existing one), or null.</summary>
    private static string? WriteProblem(DirectoryInfo folder) =>
        WritableFolder.Problem(folder.FullName) is { } problem ? $"the folder '{folder.FullName}' cannot be written to ({problem})" : null;

    /// <summary>
    /// Adds to <paramref name="option"/> the check that the file it names can be written, said before anything is
    /// embedded: it is written after embedding (and training), where a folder, or a folder that is not there, failed.
    /// </summary>
    /// <param name="option">The option naming the file.</param>
    /// <param name="names">What the option names, for the message ("the CSV file to write").</param>
    private static void RequireWritableFile(Option<FileInfo?> option, string names) => option.Validators.Add(result =>
    {
        if (result.GetValueOrDefault<FileInfo?>() is not { } file)
        {
            return;
        }

        if (Directory.Exists(file.FullName))
        {
            result.AddError($"{option.Name}: '{file.FullName}' is a folder; {option.Name} names {names}");
        }
        else if (file.Directory is { Exists: false } folder)
        {
            result.AddError($"{option.Name}: the folder '{folder.FullName}' does not exist");
        }
        else if (!file.Exists && file.Directory is { } existing && WriteProblem(existing) is { } problem)
        {
            // Written after every prompt was embedded: it failed then, as "error: Access to the path '...' is denied".
            // A file that is there is left to its write (a complete --cache is only read).
            result.AddError($"{option.Name}: {problem}");
        }
    });

    private static Option<double> TargetOption() =>
        NumberOption.Create("--target", "Quality target as a fraction of premium-only quality", v => v is > 0 and <= 1, "a fraction above 0, at most 1", 0.95);

    private static async Task<IReadOnlyList<RoutingExample>?> ReadDataAsync(string path, TextWriter error)
    {
        try
        {
            return RoutingDataReader.Read(path);
        }
        catch (RoutingDataException ex)
        {
            await error.WriteLineAsync(ex.Message);
            return null;
        }
    }
}
