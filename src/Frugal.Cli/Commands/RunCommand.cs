using System.CommandLine;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Frugal.Budgets;
using Frugal.Cli.Local;
using Frugal.Costs;
using Frugal.Engine;
using Frugal.Hosting.Durable;
using Frugal.Workflows;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Frugal.Cli.Commands;

/// <summary><c>frugal run &lt;workflow.yaml&gt; --input &lt;file.json|file.jsonl&gt;</c>: runs a workflow locally, one run per input.</summary>
internal static class RunCommand
{
    /// <summary>
    /// The most runs the embedded backend has in flight at once: enough to keep its dispatchers and the model
    /// endpoint busy, few enough that memory and the wait for a first output do not grow with the input file.
    /// </summary>
    internal const int MaxRunsInFlight = 256;

    public static Command Create()
    {
        var workflow = new Argument<string>("workflow") { Description = "The workflow file (YAML)." };
        var input = new Option<string>("--input", "-i")
        {
            Description = "Run input: a .json file (one run), a .jsonl file (one run per line), or a labelled .csv (id,source,prompt,cheap_score,premium_score): "
                + "a replay that runs every prompt with auto routing beside cheap-only and premium-only, and reports cost and quality.",
            Required = true,
        };
        var store = LocalRuntime.StoreOption("Azure Storage connection string for a durable backend that survives restarts (UseDevelopmentStorage=true for Azurite); runs live in the task hub Frugal:Durable:TaskHub (FrugalLocal unless configured). Default: embedded, in memory.");
        var tenant = new Option<string?>("--tenant") { Description = "The tenant the runs are for." };
        tenant.Validators.Add(result =>
        {
            if (WorkflowRunRequest.TenantProblem(result.GetValueOrDefault<string?>()) is { } problem)
            {
                result.AddError($"--tenant: {problem}");
            }
        });
        var command = new Command("run", "Run a workflow locally with an embedded durable backend.") { workflow, input, store, tenant };
        command.SetAction((parse, ct) => RunAsync(
            parse.GetValue(workflow)!, parse.GetValue(input)!, parse.GetValue(store), parse.GetValue(tenant),
            LocalRuntime.ReadConfiguration(), parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, ct));
        return command;
    }

    /// <summary>Runs the workflow once per input with <paramref name="configuration"/> (<c>frugal.json</c> and the environment).</summary>
    internal static async Task<int> RunAsync(
        string workflowPath,
        string inputPath,
        string? store,
        string? tenant,
        IConfiguration configuration,
        TextWriter output,
        TextWriter error,
        CancellationToken cancellationToken)
    {
        if (inputPath.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
        {
            // A labelled replay: the same prompts three ways in one host (auto, cheap-only, premium-only), as `frugal replay`.
            if (store is not null || tenant is not null)
            {
                await error.WriteLineAsync("--store and --tenant do not apply to a labelled replay (a .csv --input); it runs on the embedded backend");
                return ExitCodes.BadInput;
            }

            return await ReplayCommand.ReplayAsync(workflowPath, inputPath, int.MaxValue, json: false, output, error, cancellationToken);
        }

        WorkflowDefinition definition;
        IReadOnlyList<RunInput> inputs;
        try
        {
            definition = WorkflowFileReader.Read(workflowPath);
            inputs = RunInputReader.Read(inputPath, definition);
        }
        catch (WorkflowValidationException ex)
        {
            foreach (var diagnostic in ex.Diagnostics)
            {
                await error.WriteLineAsync(diagnostic.ToString());
            }

            return ExitCodes.BadInput;
        }
        catch (CliUsageException ex)
        {
            await error.WriteLineAsync(ex.Message);
            return ExitCodes.BadInput;
        }

        var clock = Stopwatch.StartNew();
        LocalRuntime runtime;
        try
        {
            runtime = await LocalRuntime.StartAsync(configuration, store, output, warnings: error, cancellationToken: cancellationToken);
        }
        catch (CliUsageException ex)
        {
            await error.WriteLineAsync(ex.Message);
            return ExitCodes.BadInput;
        }

        await using var runtimeScope = runtime;

        // Runs created before this moment were created by an earlier command (on a store): see how they are timed below.
        var began = (runtime.Host.Services.GetService<TimeProvider>() ?? TimeProvider.System).GetUtcNow();

        // The same admission check as the HTTP API's and the queue's: a tenant whose monthly budget is spent (with the
        // Refuse action) or who is over its tokens per minute starts nothing.
        BudgetRefusal? refusal;
        try
        {
            refusal = runtime.Host.Services.GetService<BudgetGuard>() is { } budgets
                ? await budgets.CheckRunStartAsync(WorkflowRunRequest.TenantOrDefault(tenant), cancellationToken)
                : null;
        }
        catch (BudgetStoreUnavailableException ex)
        {
            // Whether the tenant may spend cannot be known, so nothing starts (it was an unhandled exception, exit 134).
            await error.WriteLineAsync($"{ex.Message}; no run was started");
            return ExitCodes.RunFailed;
        }

        if (refusal is not null)
        {
            await error.WriteLineAsync($"{refusal.Title}: {refusal.Detail}; no run was started");
            return ExitCodes.Refused;
        }

        if (runtime.Host.Services.GetService<Frugal.Classification.ComplexityClassifierRegistry>() is { } registry
            && WorkflowRouters.Unknown(definition, [.. registry.Names]) is { Count: > 0 } unknownRouters)
        {
            // A router the host does not have failed each run at its classify step, after the steps before it ran.
            foreach (var diagnostic in unknownRouters)
            {
                await error.WriteLineAsync(diagnostic.ToString());
            }

            return ExitCodes.BadInput;
        }

        if (runtime.Host.Services.GetService<Frugal.Cli.Onnx.LocalOnnxModels>() is { } onnx && onnx.Unknown(definition) is { Count: > 0 } unknownModels)
        {
            // Like an unknown router: each run failed at its onnx step, after the steps before it ran (and were paid for).
            foreach (var diagnostic in unknownModels)
            {
                await error.WriteLineAsync(diagnostic.ToString());
            }

            return ExitCodes.BadInput;
        }

        var client = runtime.Host.Client;
        var started = new List<(RunInput Input, string Id, TimeSpan At)>();
        var reporter = new RunReporter(output, definition, inputs.Count);
        var (earlier, resumed, restarted, fresh) = (0, 0, 0, 0);
        var stopped = false;
        var reported = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            if (store is null)
            {
                await RunEmbeddedAsync(client, inputs, tenant, runtime.Host.NewRunId, clock, started, (input, metadata, elapsed) =>
                {
                    reporter.Report(input, metadata, elapsed);
                    reported.Add(metadata.InstanceId);
                }, cancellationToken);
            }
            else
            {
                // On a durable store a run is known by what it runs, so the same command run again (after a crash,
                // Ctrl+C or a kill, or with lines added or removed) picks up its unfinished runs and reports its
                // finished ones instead of starting them all again beside them and paying twice. A failed run is
                // started again. Each start is a look-up and a write to the store (about 70 ms on Azurite), so they
                // go several at a time: one by one, a thousand inputs showed their first result after 67 s.
                var hub = runtime.Configuration["Frugal:Durable:TaskHub"];
                var ids = StoredRunIds(definition, tenant, inputs, hub);

                // Ids made before a hub other than the default was part of them: a batch stopped then is still found
                // under them, rather than started again, and paid for twice (one more look-up for each run not found).
                var olderIds = HubInIds(hub) ? StoredRunIds(definition, tenant, inputs) : ids;
                var slots = new (RunInput Input, string Id, TimeSpan At)?[inputs.Count];
                try
                {
                    await Parallel.ForEachAsync(
                        Enumerable.Range(0, inputs.Count),
                        new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken },
                        async (i, token) =>
                        {
                            var (item, id) = (inputs[i], ids[i]);
                            var existing = await client.GetInstanceAsync(id, getInputsAndOutputs: false, token);
                            if (existing is null && olderIds[i] != id
                                && await client.GetInstanceAsync(olderIds[i], getInputsAndOutputs: false, token) is { } older)
                            {
                                (id, existing) = (olderIds[i], older);
                            }

                            if (existing is null)
                            {
                                id = await WorkflowStarter.StartAsync(client, item.Input, tenant, id, cancellationToken: token);
                                Interlocked.Increment(ref fresh);
                            }
                            else if (existing.RuntimeStatus is OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated)
                            {
                                // Read once more, with its input and output: the failure comes only with them (on Azure
                                // Storage as the output), and the input says which execution it was.
                                var ended = await client.GetInstanceAsync(id, getInputsAndOutputs: true, token);
                                if (existing.RuntimeStatus == OrchestrationRuntimeStatus.Failed
                                    && DurableMessageTooLargeException.Explains(ended?.FailureDetails?.ErrorMessage ?? ended?.SerializedOutput))
                                {
                                    // It would fail the same way after paying for its calls again: reported as it failed.
                                    Interlocked.Increment(ref earlier);
                                }
                                else
                                {
                                    // Started again under its id: its calls are recorded as a new execution of the run,
                                    // apart from the failed one's, which the ledger keeps (both were paid for).
                                    id = await WorkflowStarter.StartAsync(client, item.Input, tenant, id, WorkflowStarter.ExecutionAfter(ended), token);
                                    Interlocked.Increment(ref restarted);
                                }
                            }
                            else if (existing.RuntimeStatus == OrchestrationRuntimeStatus.Completed)
                            {
                                Interlocked.Increment(ref earlier);
                            }
                            else
                            {
                                Interlocked.Increment(ref resumed);
                            }

                            slots[i] = (item, id, clock.Elapsed);
                        });
                }
                finally
                {
                    // Ctrl+C while runs start: those started are reported and summed.
                    started.AddRange(slots.Where(slot => slot is not null).Select(slot => slot!.Value));
                }
            }

            if (earlier + resumed + restarted > 0)
            {
                // Every input accounted for: the runs started new and those started again were left out.
                await output.WriteLineAsync(
                    $"{earlier} run(s) of these inputs had finished against this --store and are reported, not run again; {resumed} unfinished one(s) resumed; {restarted} that had failed or were terminated started again; {fresh} new.");
            }

            var waits = started.Where(s => !reported.Contains(s.Id)).Select(async s =>
            {
                var metadata = await client.WaitForInstanceCompletionAsync(s.Id, getInputsAndOutputs: true, cancellationToken);

                // A run created before this command (on a store: finished before, or resumed) took as long as its
                // history says; this command's look-up time read as its duration (0.02 s for a run of minutes).
                var elapsed = metadata.CreatedAt < began ? metadata.LastUpdatedAt - metadata.CreatedAt : clock.Elapsed - s.At;
                return (s.Input, Metadata: metadata, Elapsed: elapsed);
            });
            await foreach (var finished in Task.WhenEach(waits).WithCancellation(cancellationToken))
            {
                var (runInput, metadata, elapsed) = await finished;
                reporter.Report(runInput, metadata, elapsed);
                reported.Add(metadata.InstanceId);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl+C or SIGTERM, while runs start or while they run: say what finished and what it cost before the
            // host stops. The steps in flight are waited for first, on either backend: their model calls are not cut
            // off, and the total read before them left out calls the ledger recorded moments later. The records of
            // finished calls are durable; what they cost is read without the cancelled token.
            stopped = true;
            await runtime.DrainAsync(error);

            // Runs whose last step finished during the drain have completed: their outputs were paid for, and on the
            // embedded backend this is the only chance to print them (the waits above were cancelled with the stop).
            (RunInput Input, string Id, TimeSpan At)[] startedSoFar;
            lock (started)
            {
                startedSoFar = [.. started];
            }

            foreach (var (runInput, id, at) in startedSoFar)
            {
                if (reported.Contains(id)
                    || await client.GetInstanceAsync(id, getInputsAndOutputs: true, CancellationToken.None) is not { IsCompleted: true } metadata)
                {
                    continue;
                }

                reporter.Report(runInput, metadata, metadata.CreatedAt < began ? metadata.LastUpdatedAt - metadata.CreatedAt : clock.Elapsed - at);
                reported.Add(id);
            }
        }

        var ledger = runtime.Host.Services.GetRequiredService<ICostLedger>();
        var spend = new Dictionary<string, RunSpend>(StringComparer.Ordinal);
        foreach (var (_, id, _) in started)
        {
            await foreach (var record in ledger.QueryAsync(new CostQuery { RunId = id, IncludeDetails = false }, CancellationToken.None))
            {
                spend[id] = spend.GetValueOrDefault(id) + record;
            }
        }

        reporter.Summarize(clock.Elapsed, spend);
        if (stopped)
        {
            await error.WriteLineAsync(reporter.Reported == inputs.Count
                ? $"stopped: {reporter.Reported} of {inputs.Count} run(s) finished"
                : store is null
                ? $"stopped: {reporter.Reported} of {inputs.Count} run(s) finished; the others were dropped with the embedded backend (what they spent, the steps that finished while it stopped included, is in the cost ledger and in the total above)"
                : $"stopped: {reporter.Reported} of {inputs.Count} run(s) reported finished; the others stay in the task hub and resume when the same command runs again against the same --store (what they spent so far, the steps that finished while it stopped included, is in the total above)");
            return ExitCodes.Cancelled;
        }

        return reporter.Failed == 0 ? ExitCodes.Ok : ExitCodes.RunFailed;
    }

    /// <summary>
    /// Runs the inputs on the embedded backend, at most <see cref="MaxRunsInFlight"/> at once, reporting each as it
    /// finishes and then dropping it from the backend's memory (its output is printed and its spend is in the ledger).
    /// Started all at once, 10,000 inputs held every run in memory together (985 MB at the peak) and all of them
    /// finished, and printed, in the last second of a 26 s batch.
    /// </summary>
    internal static Task RunEmbeddedAsync(
        DurableTaskClient client,
        IReadOnlyList<RunInput> inputs,
        string? tenant,
        Func<string> newRunId,
        Stopwatch clock,
        List<(RunInput Input, string Id, TimeSpan At)> started,
        Action<RunInput, OrchestrationMetadata, TimeSpan> report,
        CancellationToken cancellationToken) =>
        // In input order, each slot taken by the next input as a run ends. The first failure (of a start, a wait, a
        // purge) or the stop ends the loop once the runs in it have let go, so no start is under way after it; a failed
        // wait that only freed its slot at the end hung the command at the 256th.
        Parallel.ForEachAsync(
            inputs,
            new ParallelOptions { MaxDegreeOfParallelism = MaxRunsInFlight, CancellationToken = cancellationToken },
            async (item, token) =>
            {
                var id = await WorkflowStarter.StartAsync(client, item.Input, tenant, newRunId(), cancellationToken: token);
                var at = clock.Elapsed;
                lock (started)
                {
                    started.Add((item, id, at));
                }

                var metadata = await client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, token);
                lock (started)
                {
                    report(item, metadata, clock.Elapsed - at);
                }

                await client.PurgeInstanceAsync(id, cancellation: token);
            });

    /// <summary>Whether <paramref name="taskHub"/> is part of run ids: any hub but the default, which keeps the ids it always had.</summary>
    private static bool HubInIds(string? taskHub) =>
        taskHub is { Length: > 0 } && !string.Equals(taskHub, LocalHostOptions.DefaultTaskHub, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The instance ids of runs on a durable store: a hash of the workflow's version, the tenant, the input's content
    /// and how many identical inputs came before it (so two identical lines stay two runs). Not its place: with the
    /// line number in it, removing one line of a file (or renaming the file) started, and paid for, every run again.
    /// A task hub other than the default is part of the id: the same input run in a new hub (a fresh start) is another
    /// run, and its spend is not added to the first's in the cost ledger, its reports and its per-run budget.
    /// </summary>
    internal static string[] StoredRunIds(WorkflowDefinition definition, string? tenant, IReadOnlyList<RunInput> inputs, string? taskHub = null)
    {
        // Hub names are case-insensitive in Azure Storage.
        string hub = HubInIds(taskHub) ? taskHub!.ToUpperInvariant() : "";
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var ids = new string[inputs.Count];
        for (var i = 0; i < inputs.Count; i++)
        {
            var content = inputs[i].Input.Input?.ToJsonString() ?? "null";
            var occurrence = seen[content] = seen.GetValueOrDefault(content) + 1;
            var key = string.Join('\0', definition.Hash, WorkflowRunRequest.TenantOrDefault(tenant), content, occurrence.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (hub.Length > 0)
            {
                key += "\0" + hub;
            }

            ids[i] = "run-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..32];
        }

        return ids;
    }
}
