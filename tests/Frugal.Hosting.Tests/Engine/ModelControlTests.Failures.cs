using System.Text.Json.Nodes;
using Frugal.Cli.Local;
using Frugal.Costs;
using Frugal.Engine;
using Frugal.Workflows;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Frugal.Hosting.Tests.Engine;

// How runs fail: bad input, models that refuse or keep failing, budgets, and the words each failure uses.
public sealed partial class ModelControlTests
{
    [Fact]
    public async Task Run_CallOfALaterBatchFails_NamesItsItemInTheList()
    {
        // It said "1 call(s) of the batch failed", and nothing of which of the list's items.
        await using var runtime = await StartAsync();
        var definition = Parse("""
            steps:
              - id: each
                kind: foreach
                items: ${ input.items }
                batch_size: 2
                parallelism: 1
                do:
                  kind: deterministic
                  operation: regex
                  pattern: "^(a+)+$"
                  input: ${ item }
            """);
        var (_, metadata) = await RunToEndAsync(runtime, definition, new JsonObject { ["items"] = new JsonArray("a", "aa", "aaa", new string('a', 40) + "!", "a") });

        Assert.Equal(OrchestrationRuntimeStatus.Failed, metadata.RuntimeStatus);
        Assert.StartsWith("step 'each': 1 call(s) of the batch failed after 1 attempt(s) (item 3), the first: pattern took longer than", metadata.FailureDetails?.ErrorMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1, "step 'each': item 2: pattern took longer than")]
    [InlineData(2, "step 'each': items 2-3: pattern took longer than")]
    public async Task Run_EveryCallOfABatchFails_NamesItsItemsInTheList(int batchSize, string expected)
    {
        // With the default batch_size of 1 an item's failure is its whole activity's, and the run said only "step 'each':
        // pattern took longer than 200 ms on this input", nothing of which of the list's items.
        await using var runtime = await StartAsync();
        var definition = Parse($$"""
            steps:
              - id: each
                kind: foreach
                items: ${ input.items }
                batch_size: {{batchSize}}
                parallelism: 1
                do:
                  kind: deterministic
                  operation: regex
                  pattern: "^(a+)+$"
                  input: ${ item }
            """);
        var bad = new string('a', 40) + "!";
        var (_, metadata) = await RunToEndAsync(runtime, definition, new JsonObject { ["items"] = new JsonArray("a", "aa", bad, bad) });

        Assert.Equal(OrchestrationRuntimeStatus.Failed, metadata.RuntimeStatus);
        Assert.StartsWith(expected, metadata.FailureDetails?.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_OneCallOfABatchHasBadInput_FailsAtOnceNamingItAndKeepsTheOthersRecords()
    {
        // Bad input fails the same way every time: no retry, and the answered calls are not run again.
        await using var runtime = await StartAsync();
        var definition = Parse("""
            steps:
              - id: each
                kind: foreach
                items: ${ input.items }
                batch_size: 3
                do:
                  kind: deterministic
                  operation: regex
                  pattern: "^(a+)+$"
                  input: ${ item }
            """);
        var (id, metadata) = await RunToEndAsync(runtime, definition, new JsonObject { ["items"] = new JsonArray("aaa", new string('a', 40) + "!", "a") });

        Assert.Equal(OrchestrationRuntimeStatus.Failed, metadata.RuntimeStatus);
        Assert.StartsWith("step 'each': 1 call(s) of the batch failed after 1 attempt(s) (item 1), the first: pattern took longer than", metadata.FailureDetails?.ErrorMessage, StringComparison.Ordinal);
        var records = await RecordsAsync(runtime, id);
        Assert.Equal(["each[0]/1 Succeeded", "each[1]/1 Failed", "each[2]/1 Succeeded"], records.Select(r => $"{r.StepId}/{r.Attempt} {r.Outcome}").Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Run_ExpressionFailsBesideAnotherStep_FailsTheRunWithItAndRunsTheOtherOnce()
    {
        // Before, the failure waited for the other step's activity, the replay then scheduled 'a' without building it
        // and took 'b''s result for it, and the run completed with 'b' run twice and the error lost.
        await using var runtime = await StartAsync();
        var definition = Parse("""
            steps:
              - id: a
                kind: deterministic
                operation: template
                input: "${ number(input.x) + 1 }"
              - id: b
                kind: deterministic
                operation: template
                input: "${ input.x }"
            """);
        var (id, metadata) = await RunToEndAsync(runtime, definition, new JsonObject { ["x"] = "abc" });

        Assert.Equal(OrchestrationRuntimeStatus.Failed, metadata.RuntimeStatus);
        Assert.EndsWith("step 'a': number() cannot read 'abc' as a number", metadata.FailureDetails?.ErrorMessage, StringComparison.Ordinal);
        var records = await RecordsAsync(runtime, id);
        Assert.Equal(["b/1 Succeeded"], records.Select(r => $"{r.StepId}/{r.Attempt} {r.Outcome}"));
    }

    [Fact]
    public async Task Run_DeploymentAlwaysFailing_FailsNamingTheStepTheTierAndTheHttpOutcomes()
    {
        await using var runtime = await StartAsync(new()
        {
            ["Emulator:Deployments:gpt-4o-mini:ServerErrorRate"] = "1",
            ["Frugal:Models:Resilience:MaxRetries"] = "1",
            ["Frugal:Models:Resilience:BaseDelay"] = "00:00:00.010",
        });

        var (id, metadata) = await RunToEndAsync(runtime, Parse(OneCheapStep), new JsonObject { ["q"] = "Say hi" });

        Assert.Equal(OrchestrationRuntimeStatus.Failed, metadata.RuntimeStatus);
        Assert.Equal(typeof(StepFailedException).FullName, metadata.FailureDetails!.ErrorType);
        Assert.Equal(
            "step 'answer' failed after 3 attempt(s): the cheap model failed with HTTP 500 after 2 attempt(s) (http-500, http-500): The emulated deployment 'gpt-4o-mini' had an internal error (injected fault).",
            metadata.FailureDetails.ErrorMessage);
        Assert.Equal(6, runtime.Emulator!.Counters.ServerErrors);

        // Each attempt's record names the deployment it failed on and how long it took (they read no model and 0 ms,
        // so reports put a failing deployment's calls under "(none)" with a p50 of nothing); an error answer costs $0.
        var records = await RecordsAsync(runtime, id);
        Assert.Equal(3, records.Count);
        Assert.All(records, r => Assert.Equal(("gpt-4o-mini", "openai", CostOutcome.Failed, true, 0m), (r.Model, r.Provider, r.Outcome, r.Priced, r.Dollars)));
        Assert.All(records, r => Assert.True(r.LatencyMs > 0, $"latency {r.LatencyMs} ms"));
    }

    [Fact]
    public async Task Run_EndpointRefusesConnections_FailsSayingItCouldNotBeReachedAndRecordsTheCallsAsCostingNothing()
    {
        // The client reports a refused connection as a ClientResultException without a status; read as a call that got
        // no answer, each was recorded unpriced ("may have been billed") though no request ever reached a service.
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        await using var runtime = await StartAsync(new()
        {
            ["Frugal:Models:Cheap:Endpoint"] = $"http://127.0.0.1:{port}/",
            ["Frugal:Models:Cheap:Deployment"] = "gpt-4o-mini",
            ["Frugal:Models:Cheap:ApiKey"] = "unused",
            ["Frugal:Models:Premium:Endpoint"] = $"http://127.0.0.1:{port}/",
            ["Frugal:Models:Premium:Deployment"] = "gpt-4o",
            ["Frugal:Models:Premium:ApiKey"] = "unused",
            ["Frugal:Models:Resilience:MaxRetries"] = "1",
            ["Frugal:Models:Resilience:BaseDelay"] = "00:00:00.010",
        });

        var (id, metadata) = await RunToEndAsync(runtime, Parse(OneCheapStep), new JsonObject { ["q"] = "Say hi" });

        Assert.Equal(OrchestrationRuntimeStatus.Failed, metadata.RuntimeStatus);
        Assert.StartsWith(
            "step 'answer' failed after 3 attempt(s): the cheap model could not be reached after 2 attempt(s) (unreachable, unreachable): ",
            metadata.FailureDetails!.ErrorMessage,
            StringComparison.Ordinal);
        var records = await RecordsAsync(runtime, id);
        Assert.Equal(3, records.Count);
        Assert.All(records, r => Assert.Equal((CostOutcome.Failed, true, 0m), (r.Outcome, r.Priced, r.Dollars)));
    }

    [Fact]
    public async Task Run_ModelRefusesTheKey_FailsAtOnceWithoutRetrying()
    {
        await using var runtime = await StartAsync(new() { ["Emulator:ApiKey"] = "not-the-key-frugal-sends" });

        var (_, metadata) = await RunToEndAsync(runtime, Parse(OneCheapStep), new JsonObject { ["q"] = "Say hi" });

        Assert.Equal(OrchestrationRuntimeStatus.Failed, metadata.RuntimeStatus);
        Assert.Equal("step 'answer': the cheap model refused the request with HTTP 401 after 1 attempt(s) (http-401): Access denied: the API key is wrong. Send the key configured as Emulator:ApiKey in the 'api-key' header or as 'Authorization: Bearer <key>'.", metadata.FailureDetails!.ErrorMessage);
        Assert.Equal(1, runtime.Emulator!.Counters.Unauthorized);
        var progress = metadata.ReadCustomStatusAs<RunProgress>()!;
        Assert.Equal((0, 1), (progress.CompletedSteps, progress.TotalSteps)); // how far it got, though no step ended
        var answer = Assert.Single(progress.Steps!); // and which step failed, why, after how many attempts
        Assert.Equal(("answer", "failed", 1, metadata.FailureDetails.ErrorMessage), (answer.StepId, answer.Status, answer.Attempts, answer.Error));
    }

    [Fact]
    public async Task Run_PromptTripsTheContentFilter_FailsAtOnceNamingTheFilterAndDeploymentAndRecordsTheCallUnpriced()
    {
        // It failed as "refused the request with HTTP 400: The response was filtered ..." and was recorded at $0, though
        // Azure OpenAI bills a refused prompt without saying for how many tokens.
        await using var runtime = await StartAsync(new() { ["Emulator:Deployments:gpt-4o-mini:PromptFilterRate"] = "1" });

        var (id, metadata) = await RunToEndAsync(runtime, Parse(EscalatingStep), new JsonObject { ["q"] = "Say hi" });

        Assert.Equal(OrchestrationRuntimeStatus.Failed, metadata.RuntimeStatus);
        Assert.Equal(
            "step 'answer': the content filter of deployment 'gpt-4o-mini' (the cheap model) refused the prompt with HTTP 400 after 1 attempt(s) (http-400), " +
            "flagging violence (medium); the same prompt is refused every time, so it is not tried again: change the prompt or the deployment's content filter",
            metadata.FailureDetails!.ErrorMessage);
        Assert.Equal((1, 0), (runtime.Emulator!.Counters.PromptsFiltered, runtime.Emulator.Counters.RequestsFor("gpt-4o"))); // not retried, not escalated
        var record = Assert.Single(await RecordsAsync(runtime, id));
        Assert.Equal(("gpt-4o-mini", CostOutcome.Failed, false), (record.Model, record.Outcome, record.Priced));
    }

    [Fact]
    public async Task Run_CheapAnswerCutByTheContentFilter_EscalatesAndRecordsTheCutAnswersBilledTokens()
    {
        // The cut (empty) answer was taken as the step's answer.
        await using var runtime = await StartAsync(new() { ["Emulator:Deployments:gpt-4o-mini:CompletionFilterRate"] = "1" });

        var (id, result) = await RunAsync(runtime, Parse(EscalatingStep), new JsonObject { ["q"] = "Describe the storm damage at the depot." });

        var step = Assert.Single(result.Steps);
        Assert.Equal(1, step.Tiers["premium"]);
        Assert.Equal(
            "the content filter of deployment 'gpt-4o-mini' (the cheap model) cut the answer (finish_reason content_filter)",
            step.Metadata!["escalated"]!["reason"]!.GetValue<string>());
        var cheap = (await RecordsAsync(runtime, id)).Single(r => r.StepId == "answer#cheap");
        Assert.Equal((CostOutcome.Escalated, true), (cheap.Outcome, cheap.Priced));
        Assert.True(cheap.OutputTokens > 0 && cheap.Dollars > 0, $"{cheap.OutputTokens} output tokens, ${cheap.Dollars}");
        Assert.Equal(runtime.Emulator!.Counters.CompletionTokens, (await RecordsAsync(runtime, id)).Sum(r => r.OutputTokens));
    }

    [Theory]
    [InlineData("gpt-4o-mini", OneCheapStep, "the content filter of deployment 'gpt-4o-mini' (the cheap model)")]
    [InlineData("gpt-4o", EscalatingStep, "the content filter of deployment 'gpt-4o' (the premium model)")]
    public async Task Run_AnswerThatWouldStandCutByTheContentFilter_FailsAtOnceAndRecordsTheBilledTokens(string deployment, string steps, string filter)
    {
        // A cheap answer of a step that does not escalate, or the premium answer an escalation got, was the step's answer
        // though the filter had emptied it.
        await using var runtime = await StartAsync(new() { [$"Emulator:Deployments:{deployment}:CompletionFilterRate"] = "1" });

        var (id, metadata) = await RunToEndAsync(runtime, Parse(steps), new JsonObject { ["q"] = "Describe the storm damage at the depot." });

        Assert.Equal(OrchestrationRuntimeStatus.Failed, metadata.RuntimeStatus);
        Assert.Equal(
            $"step 'answer': {filter} cut the answer (finish_reason content_filter); an answer it cut is not used, and the step is not tried again " +
            "since the same prompt is likely cut again (and billed again): change the prompt or the deployment's content filter",
            metadata.FailureDetails!.ErrorMessage);
        Assert.Equal(1, runtime.Emulator!.Counters.CompletionsFiltered);
        var failed = (await RecordsAsync(runtime, id)).Single(r => r.StepId == "answer");
        Assert.Equal((CostOutcome.Failed, true), (failed.Outcome, failed.Priced));
        Assert.True(failed.OutputTokens > 0 && failed.Dollars > 0, $"{failed.OutputTokens} output tokens, ${failed.Dollars}");
        Assert.Equal(runtime.Emulator.Counters.CompletionTokens, (await RecordsAsync(runtime, id)).Sum(r => r.OutputTokens));
    }

    [Fact]
    public async Task Run_BudgetRefusesTheCall_FailsAtOnceAndRecordsTheCallAsCostingNothing()
    {
        await using var runtime = await StartAsync(new()
        {
            ["Frugal:Budgets:Tenants:Default:Monthly"] = "0",
            ["Frugal:Budgets:Action"] = "Refuse",
        });

        var (id, metadata) = await RunToEndAsync(runtime, Parse(OneCheapStep), new JsonObject { ["q"] = "Say hi" });

        Assert.Equal(OrchestrationRuntimeStatus.Failed, metadata.RuntimeStatus);
        Assert.Contains("has spent its monthly budget", metadata.FailureDetails!.ErrorMessage, StringComparison.Ordinal);
        var record = Assert.Single(await RecordsAsync(runtime, id));
        Assert.Equal((CostOutcome.Failed, true, 0m), (record.Outcome, record.Priced, record.Dollars));
        Assert.Equal(0, runtime.Emulator!.Counters.ChatCompletions);
    }

    [Fact]
    public async Task Run_ConditionOrOutputFails_SaysWhere()
    {
        await using var runtime = await StartAsync();
        var when = WorkflowLoader.Parse("""
            name: w
            input: { type: object }
            steps:
              - { id: a, kind: deterministic, operation: template, input: x, when: "${ number(input.n) > 1 }" }
            """, "w.yaml");
        var output = WorkflowLoader.Parse("""
            name: o
            input: { type: object }
            steps:
              - { id: a, kind: deterministic, operation: template, input: x }
            output: { n: "${ number(input.n) }" }
            """, "o.yaml");

        var (_, failedWhen) = await RunToEndAsync(runtime, when, new JsonObject { ["n"] = "abc" });
        var (_, failedOutput) = await RunToEndAsync(runtime, output, new JsonObject { ["n"] = "abc" });

        Assert.Equal("step 'a': 'when' (number(input.n) > 1) failed: number() cannot read 'abc' as a number", failedWhen.FailureDetails!.ErrorMessage);
        Assert.Equal("the workflow's output failed at 'n': number() cannot read 'abc' as a number", failedOutput.FailureDetails!.ErrorMessage);
    }

    [Fact]
    public async Task Run_ExpressionFailsForOneItemOfAForeach_SaysWhichItem()
    {
        await using var runtime = await StartAsync();
        var definition = Parse("""
            steps:
              - id: each
                kind: foreach
                items: ["1", "2", "x", "4"]
                batch_size: 4
                do: { kind: deterministic, operation: template, input: "${ number(item) + 1 }" }
            """);

        var (_, metadata) = await RunToEndAsync(runtime, definition, new JsonObject());

        Assert.Equal("step 'each': item 2: number() cannot read 'x' as a number", metadata.FailureDetails!.ErrorMessage);
    }
}
