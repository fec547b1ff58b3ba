using System.Diagnostics;
using System.Text.Json.Nodes;
using Frugal.Cli.Local;
using Frugal.Costs;
using Frugal.Engine;
using Frugal.Workflows;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Frugal.Hosting.Tests.Engine;

/// <summary>Escalation, token limits, premium-share caps and resilience, through real orchestrations and the emulator.</summary>
public sealed partial class ModelControlTests
{
    [Fact]
    public async Task Run_CheapAnswerFailsValidationAtABudgetThatDowngrades_KeepsTheCheapAnswerAndPaysOnce()
    {
        // The escalation's premium call was downgraded to the same cheap model: two cheap calls for one invalid answer.
        await using var runtime = await StartAsync(new()
        {
            ["Frugal:Budgets:Tenants:Default:Monthly"] = "0.0000001",
            ["Frugal:Budgets:Action"] = "Downgrade",
        });
        var definition = Parse(EscalatingStep);

        var (id, result) = await RunAsync(runtime, definition, new JsonObject { ["q"] = "What is the capital of France?" });

        var step = Assert.Single(result.Steps);
        Assert.Equal(1, step.Tiers["cheap"]);
        Assert.Contains("the escalation to premium is not made", step.Metadata!["escalation_skipped"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.False(step.Metadata["valid"]!.GetValue<bool>());
        var record = Assert.Single(await RecordsAsync(runtime, id));
        Assert.Equal(("answer", CostTier.Cheap, CostOutcome.Succeeded), (record.StepId, record.Tier, record.Outcome));
        Assert.Equal(1, runtime.Emulator!.Counters.ChatCompletions);
    }

    [Fact]
    public async Task Run_CheapAnswerFailsValidation_EscalatesOnceAndRecordsBothAttempts()
    {
        await using var runtime = await StartAsync();
        var definition = Parse(EscalatingStep);

        var (id, result) = await RunAsync(runtime, definition, new JsonObject { ["q"] = "What is the capital of France?" });

        var step = Assert.Single(result.Steps);
        Assert.Equal(1, step.Tiers["premium"]);
        Assert.Equal("cheap", step.Metadata!["escalated"]!["from"]!.GetValue<string>());
        Assert.Contains("confidence", step.Metadata["escalated"]!["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        var records = await RecordsAsync(runtime, id);
        Assert.Equal(["answer", "answer#cheap"], records.Select(r => r.StepId).Order(StringComparer.Ordinal));
        Assert.Equal(CostOutcome.Escalated, records.Single(r => r.StepId == "answer#cheap").Outcome);
        Assert.Equal(CostTier.Premium, records.Single(r => r.StepId == "answer").Tier);
    }

    [Fact]
    public async Task Run_ProviderReportsCachedAndReasoningTokens_RecordedAndPricedAsSuch()
    {
        // Both were recorded as 0, so a prompt served from the provider's cache was priced at the full input price.
        await using var runtime = await StartAsync(services: s => s.ConfigureHttpClientDefaults(b => b.AddHttpMessageHandler(() => new CachedUsageHandler())));
        var definition = Parse(OneCheapStep);

        var (id, _) = await RunAsync(runtime, definition, new JsonObject { ["q"] = "What is the capital of France?" });

        var record = Assert.Single(await RecordsAsync(runtime, id));
        Assert.True(record.InputTokens > CachedUsageHandler.Cached, $"{record.InputTokens} input tokens");
        Assert.Equal((CachedUsageHandler.Cached, CachedUsageHandler.Reasoning), (record.CachedInputTokens, record.ReasoningTokens));
        var prices = PriceTable.LoadDefault();
        Assert.Equal(prices.Price(record.Model, new TokenUsage(record.InputTokens, CachedUsageHandler.Cached, record.OutputTokens, CachedUsageHandler.Reasoning)).Dollars, record.Dollars);
        Assert.True(record.Dollars < prices.Price(record.Model, new TokenUsage(record.InputTokens, 0, record.OutputTokens, 0)).Dollars);
    }

    [Fact]
    public async Task Runs_FiftyAtOnceAgainstAMonthlyBudget_SpendPassesItByAtMostOneCall()
    {
        // The budget issue's race, as 50 runs through the engine (BudgetRaceTests races 50 calls on one client).
        var prices = PriceTable.LoadDefault();
        const string Prompt = "Summarise the customer's complaint about a late parcel in one sentence.";
        long promptTokens = new Frugal.Budgets.TokenEstimator().Count([new Microsoft.Extensions.AI.ChatMessage(Microsoft.Extensions.AI.ChatRole.User, Prompt)]);
        decimal maxCall = prices.Price("gpt-4o-mini", new TokenUsage(promptTokens, 0, 40, 0)).Dollars;
        decimal budget = Math.Round(maxCall * 10, 9);
        await using var runtime = await StartAsync(new()
        {
            ["Frugal:Budgets:Tenants:Default:Monthly"] = budget.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Frugal:Budgets:Action"] = "Refuse",
        });
        var definition = Parse("""
            steps:
              - id: answer
                kind: model
                tier: cheap
                max_output_tokens: 40
                prompt: ${ input.q }
            """);

        var runs = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => RunToEndAsync(runtime, definition, new JsonObject { ["q"] = Prompt })));

        decimal spent = 0m;
        foreach (var (id, _) in runs)
        {
            spent += (await RecordsAsync(runtime, id)).Sum(r => r.Dollars);
        }

        int completed = runs.Count(r => r.Metadata.RuntimeStatus == OrchestrationRuntimeStatus.Completed);
        Assert.InRange(completed, 10, 49);
        Assert.True(spent <= budget + maxCall, $"spent ${spent} passes the budget ${budget} by more than one call (${maxCall})");
        Assert.All(runs.Where(r => r.Metadata.RuntimeStatus != OrchestrationRuntimeStatus.Completed),
            r => Assert.Contains("has spent its monthly budget", r.Metadata.FailureDetails!.ErrorMessage, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Run_ModelForeachInBatches_RecordsEveryItemUnderItsOwnIndex()
    {
        // Five items in batches of two: the first batch (first item 0) was once recorded under the step's own id,
        // so its second record was dropped as a repeat of the first.
        await using var runtime = await StartAsync();
        var definition = Parse("""
            steps:
              - id: each
                kind: foreach
                items: ${ input.items }
                batch_size: 2
                parallelism: 2
                do:
                  kind: model
                  tier: cheap
                  prompt: Summarise ${ item }
            """);

        var (id, result) = await RunAsync(runtime, definition, new JsonObject { ["items"] = new JsonArray("one", "two", "three", "four", "five") });

        var records = await RecordsAsync(runtime, id);
        Assert.Equal(["each[0]", "each[1]", "each[2]", "each[3]", "each[4]"], records.Select(r => r.StepId).Order(StringComparer.Ordinal));
        var step = Assert.Single(result.Steps);
        Assert.Equal(step.InputTokens, records.Sum(r => r.InputTokens));
        Assert.Equal(step.OutputTokens, records.Sum(r => r.OutputTokens));
    }

    [Fact]
    public async Task Run_OneCallOfABatchFails_RetriesOnlyThatCallAndPaysForTheOthersOnce()
    {
        // The model fails the first request about 'flaky' (a 503 from outside the client's retries). Before, the
        // failed call failed the activity and its retry ran, and paid for, the whole batch again.
        var flaky = new FailFirstRequestHandler("flaky");
        await using var runtime = await StartAsync(
            services: s => s.ConfigureHttpClientDefaults(b => b.AddHttpMessageHandler(() => flaky.Share())));
        var definition = Parse("""
            steps:
              - id: each
                kind: foreach
                items: ${ input.items }
                batch_size: 4
                do:
                  kind: model
                  tier: cheap
                  prompt: Summarise ${ item }
            """);

        var (id, result) = await RunAsync(runtime, definition, new JsonObject { ["items"] = new JsonArray("alpha", "flaky", "gamma", "delta") });

        Assert.Equal(4, result.Output!["each"]!.AsArray().Count);
        Assert.Equal(2, Assert.Single(result.Steps).Attempts);
        var records = await RecordsAsync(runtime, id);
        Assert.Equal(
            ["each[0]/1 Succeeded", "each[1]/1 Failed", "each[1]/2 Succeeded", "each[2]/1 Succeeded", "each[3]/1 Succeeded"],
            records.Select(r => $"{r.StepId}/{r.Attempt} {r.Outcome}").Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Run_EscalationCap_StopsEscalatingOnceTheRunHasUsedIt()
    {
        await using var runtime = await StartAsync();
        var definition = Parse("""
            limits: { max_escalations: 1 }
            steps:
              - id: each
                kind: foreach
                items: ${ input.items }
                batch_size: 1
                parallelism: 1
                do:
                  kind: model
                  tier: cheap
                  prompt: ${ item }
                  validate: { min_confidence: 0.5 }
            """);

        var (_, result) = await RunAsync(runtime, definition, new JsonObject { ["items"] = new JsonArray("one", "two", "three") });

        var step = Assert.Single(result.Steps);
        Assert.Equal(1, step.Metadata!["escalated"]!.GetValue<int>());
        Assert.Equal(2, step.Tiers["cheap"]);
        Assert.Equal(3, step.Metadata["invalid"]!.GetValue<int>());
    }

    [Fact]
    public async Task Run_PromptOverTokenLimit_IsCutBetweenWordsAndSaysSo()
    {
        await using var runtime = await StartAsync();
        var definition = Parse("""
            steps:
              - id: answer
                kind: model
                tier: cheap
                max_input_tokens: 12
                trim: end
                prompt: ${ input.q }
            """);
        var longPrompt = string.Join(' ', Enumerable.Range(1, 60).Select(i => $"word{i}"));

        var (_, result) = await RunAsync(runtime, definition, new JsonObject { ["q"] = longPrompt });

        var trimmed = Assert.Single(result.Steps).Metadata!["trimmed"]!;
        Assert.Equal("end", trimmed["policy"]!.GetValue<string>());
        Assert.True(trimmed["original_tokens"]!.GetValue<int>() > 12);
        Assert.True(trimmed["kept_tokens"]!.GetValue<int>() <= 12);
    }

    [Fact]
    public async Task Run_SystemPromptCountsTowardsTheTokenLimit()
    {
        // The system prompt went out whole beside a prompt cut to the limit, and a prompt cut to nothing was sent.
        await using var runtime = await StartAsync();
        var system = string.Join(' ', Enumerable.Range(1, 20).Select(i => $"rule{i}"));
        var definition = Parse($$"""
            steps:
              - id: answer
                kind: model
                tier: cheap
                max_input_tokens: {{Frugal.Models.PromptTrimmer.CountTokens(system) + 10}}
                system: {{system}}
                prompt: ${ input.q }
            """);

        var (_, result) = await RunAsync(runtime, definition, new JsonObject { ["q"] = string.Join(' ', Enumerable.Range(1, 60).Select(i => $"word{i}")) });
        var oneToken = Parse("""
            steps:
              - id: answer
                kind: model
                max_input_tokens: 1
                prompt: ${ input.q }
            """);
        var (_, failed) = await RunToEndAsync(runtime, oneToken, new JsonObject { ["q"] = new string('\n', 40) + "x" });
        var (_, unspaced) = await RunAsync(runtime, oneToken, new JsonObject { ["q"] = new string('x', 300) });

        var trimmed = Assert.Single(result.Steps).Metadata!["trimmed"]!;
        Assert.True(trimmed["kept_tokens"]!.GetValue<int>() <= 10, trimmed.ToJsonString());
        Assert.Equal(OrchestrationRuntimeStatus.Failed, failed.RuntimeStatus);
        Assert.StartsWith("step 'answer': max_input_tokens 1 leaves nothing of the prompt", failed.FailureDetails!.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(1, Assert.Single(unspaced.Steps).Metadata!["trimmed"]!["kept_tokens"]!.GetValue<int>()); // cut between tokens
    }

    [Fact]
    public async Task Run_PremiumShareCapReached_SendsAutoStepsToCheapUnlessPremiumOnly()
    {
        await using var runtime = await StartAsync();
        var definition = Parse("""
            limits: { premium_share: 0 }
            steps:
              - id: triage
                kind: classify
                input: ${ input.q }
                premium_threshold: 0
              - id: answer
                kind: model
                tier: auto
                route: triage
                prompt: ${ input.q }
              - id: vip
                kind: model
                tier: auto
                route: triage
                premium_only: true
                prompt: ${ input.q }
            """);

        var (_, result) = await RunAsync(runtime, definition, new JsonObject { ["q"] = "hello" });

        var answer = result.Steps.Single(s => s.StepId == "answer");
        Assert.Equal(1, answer.Tiers["cheap"]);
        Assert.Contains("cap", answer.Metadata!["downgraded"]!["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(1, result.Steps.Single(s => s.StepId == "vip").Tiers["premium"]);
    }

    [Fact]
    public async Task Run_CheapDeploymentThrottledLongerThanTheCallMayTake_AnswersFromTheFallbackAtOnce()
    {
        // A Retry-After past the call's total time was waited out until the total timeout; now the first 429 goes to
        // the fallback deployment.
        await using var runtime = await StartAsync(new()
        {
            ["Emulator:Deployments:gpt-4o-mini:RateLimitRate"] = "1",
            ["Emulator:Deployments:gpt-4o-mini:RetryAfterSeconds"] = "600",
            ["Frugal:Models:Fallback:Deployment"] = "gpt-4o-mini-backup",
        });
        var definition = Parse(OneCheapStep);

        var (_, result) = await RunAsync(runtime, definition, new JsonObject { ["q"] = "Say hi" });

        var attempts = Assert.Single(result.Steps).Metadata!["attempts"]!.AsArray();
        Assert.Equal(["http-429"], attempts.Where(a => a!["tier"]!.GetValue<string>() == "cheap").Select(a => a!["outcome"]!.GetValue<string>()));
        Assert.Equal("fallback", attempts.Last()!["tier"]!.GetValue<string>());
        Assert.Equal("ok", attempts.Last()!["outcome"]!.GetValue<string>());
    }

    [Fact]
    public async Task Run_CheapDeploymentFailing_RetriesThenAnswersFromTheFallbackDeployment()
    {
        await using var runtime = await StartAsync(new()
        {
            ["Emulator:Deployments:gpt-4o-mini:ServerErrorRate"] = "1",
            ["Frugal:Models:Fallback:Deployment"] = "gpt-4o-mini-backup",
            ["Frugal:Models:Resilience:MaxRetries"] = "2",
            ["Frugal:Models:Resilience:BaseDelay"] = "00:00:00.010",
        });
        var definition = Parse(OneCheapStep);

        var (_, result) = await RunAsync(runtime, definition, new JsonObject { ["q"] = "Say hi" });

        var attempts = Assert.Single(result.Steps).Metadata!["attempts"]!.AsArray();
        Assert.Equal(["http-500", "http-500", "http-500"], attempts.Where(a => a!["tier"]!.GetValue<string>() == "cheap").Select(a => a!["outcome"]!.GetValue<string>()));
        Assert.Equal("ok", attempts.Last()!["outcome"]!.GetValue<string>());
        Assert.Equal("fallback", attempts.Last()!["tier"]!.GetValue<string>());
    }

    [Fact]
    public async Task Run_CheapDeploymentHanging_TimesOutEachAttemptThenAnswersFromTheFallback()
    {
        // The client library's network timeout (here 2 s) used to wrap the whole resilience pipeline: it cancelled
        // the call before the retries and the fallback, and the step failed instead.
        await using var runtime = await StartAsync(new()
        {
            ["Emulator:Deployments:gpt-4o-mini:TimeoutRate"] = "1",
            ["Emulator:Deployments:gpt-4o-mini:TimeoutMs"] = "20000",
            ["Frugal:Models:Cheap:NetworkTimeout"] = "00:00:02",
            ["Frugal:Models:Fallback:Deployment"] = "gpt-4o-mini-backup",
            ["Frugal:Models:Resilience:MaxRetries"] = "2",
            ["Frugal:Models:Resilience:BaseDelay"] = "00:00:00.010",
            ["Frugal:Models:Resilience:AttemptTimeout"] = "00:00:01",
        });

        var (id, result) = await RunAsync(runtime, Parse(OneCheapStep), new JsonObject { ["q"] = "Say hi" });

        var step = Assert.Single(result.Steps);
        Assert.Equal(1, step.Attempts);
        var attempts = step.Metadata!["attempts"]!.AsArray();
        Assert.Equal(["timeout", "timeout", "timeout"], attempts.Where(a => a!["tier"]!.GetValue<string>() == "cheap").Select(a => a!["outcome"]!.GetValue<string>()));
        Assert.Equal(("fallback", "ok"), (attempts.Last()!["tier"]!.GetValue<string>(), attempts.Last()!["outcome"]!.GetValue<string>()));

        // The timed-out attempts may have been billed unseen: each has an unpriced record (they had none).
        var records = await RecordsAsync(runtime, id);
        Assert.Equal(
            ["answer Succeeded", "answer~timeout1 Failed", "answer~timeout2 Failed", "answer~timeout3 Failed"],
            records.Select(r => $"{r.StepId} {r.Outcome}").Order(StringComparer.Ordinal));
        Assert.All(records.Where(r => r.StepId.Contains('~', StringComparison.Ordinal)), r => Assert.Equal((CostTier.Cheap, false, 0m), (r.Tier, r.Priced, r.Dollars)));

        // Each names the deployment it went to (they read no model, so reports put them under "(none)").
        Assert.All(records.Where(r => r.StepId.Contains('~', StringComparison.Ordinal)), r => Assert.Equal("gpt-4o-mini", r.Model));
    }

    [Fact]
    public async Task Run_RateLimited_HonoursRetryAfterAndSucceeds()
    {
        await using var runtime = await StartAsync(new()
        {
            ["Emulator:Deployments:gpt-4o-mini:RateLimitRate"] = "0.3",
            ["Emulator:Deployments:gpt-4o-mini:RetryAfterSeconds"] = "1",
            ["Frugal:Models:Resilience:MaxRetries"] = "6",
        });
        var definition = Parse("""
            steps:
              - id: each
                kind: foreach
                items: ${ input.items }
                do:
                  kind: model
                  tier: cheap
                  prompt: ${ item }
            """);

        var (_, result) = await RunAsync(runtime, definition, new JsonObject { ["items"] = new JsonArray("a", "b", "c", "d") });

        Assert.Equal(4, Assert.Single(result.Steps).Tiers["cheap"]);
        Assert.True(runtime.Emulator!.Counters.RateLimited > 0);
    }

    [Fact]
    public async Task Run_SupportTriageDowngradedByBudget_SaysTheTierThatAnswered()
    {
        // The example reported the tier its classify step chose ("premium") although the budget sent the call to cheap.
        await using var runtime = await StartAsync(new()
        {
            ["Frugal:Budgets:Tenants:Default:Monthly"] = "0",
            ["Frugal:Budgets:Action"] = "Downgrade",
        });
        var body = "Our nightly export fails with NullReferenceException at ExportJob.Run() since the upgrade. " +
                   "First it times out, then it retries and crashes. Can you explain why this happens? " +
                   "Which version fixes it? Should we roll back, and how do we compare the two configurations step by step?";

        var (_, result) = await RunAsync(runtime, WorkflowLoader.Load(RepoPaths.Workflow("support-triage.yaml")), new JsonObject
        {
            ["subject"] = "Export crashes after upgrade", ["body"] = body, ["customer_tier"] = "enterprise",
        });

        Assert.Equal("cheap", result.Output!["answered_by"]!.GetValue<string>());
        Assert.Equal(1, result.Steps.Single(s => s.StepId == "answer").Tiers["cheap"]);
    }

    [Fact]
    public async Task Run_ParallelStepsThatEscalate_ShareTheRunsEscalationLimit()
    {
        // Each parallel step saw the whole allowance: max_escalations 1 let all three escalate.
        await using var runtime = await StartAsync();
        var definition = WorkflowLoader.Parse("""
            name: cap
            input: { type: object }
            limits: { max_escalations: 1 }
            steps:
              - { id: e1, kind: model, prompt: "I can't help with that. one", validate: { refusal: true } }
              - { id: e2, kind: model, prompt: "I can't help with that. two", validate: { refusal: true } }
              - { id: e3, kind: model, prompt: "I can't help with that. three", validate: { refusal: true } }
              - id: each
                kind: foreach
                items: [a, b, c, d]
                parallelism: 2
                do: { kind: model, prompt: "I can't help with that. ${ item }", validate: { refusal: true } }
            """, "cap.yaml");

        var (_, result) = await RunAsync(runtime, definition, new JsonObject());

        Assert.Equal(1, result.Steps.Sum(s => s.Tiers.GetValueOrDefault("premium")));
    }

    [Fact]
    public async Task Run_BatchRetriedForItsFailedCalls_KeepsWithinTheRunsEscalationLimit()
    {
        // The failed calls of a batch were sent again with the whole grant, though the answered ones had used it:
        // max_escalations 2 let a foreach escalate 3 or 4 times when some cheap calls failed.
        await using var runtime = await StartAsync(new()
        {
            ["Emulator:Deployments:gpt-4o-mini:ServerErrorRate"] = "0.5",
            ["Frugal:Models:Resilience:MaxRetries"] = "0",
            ["Frugal:Models:Resilience:BaseDelay"] = "00:00:00.010",
        });
        var definition = WorkflowLoader.Parse("""
            name: cap
            input: { type: object }
            limits: { max_escalations: 2 }
            steps:
              - id: each
                kind: foreach
                items: [a, b, c, d, e, f, g, h, i, j, k, l]
                batch_size: 12
                do: { kind: model, tier: cheap, prompt: "I can't help with that. ${ item }", validate: { refusal: true } }
            """, "cap.yaml");

        var (_, metadata) = await RunToEndAsync(runtime, definition, new JsonObject());

        Assert.True(runtime.Emulator!.Counters.ServerErrors > 0, "some cheap calls failed and were sent again");
        var premium = (await RecordsAsync(runtime, metadata.InstanceId)).Count(r => r.Tier == CostTier.Premium);
        Assert.InRange(premium, 0, 2);
    }

    [Fact]
    public async Task Run_AutoStepWhoseRouteWasSkipped_GoesToPremiumAndSaysWhy()
    {
        await using var runtime = await StartAsync();
        var definition = Parse("""
            steps:
              - { id: route, kind: classify, input: hi, when: "${ false }" }
              - { id: ans, kind: model, tier: auto, route: route, prompt: hello }
            """);

        var (_, result) = await RunAsync(runtime, definition, new JsonObject());

        var answer = result.Steps.Single(s => s.StepId == "ans");
        Assert.Equal(1, answer.Tiers["premium"]);
        Assert.Contains("route step 'route' decided no tier", answer.Metadata!["route_fallback"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_EscalatedPremiumCallFails_RecordsTheCheapAnswerItReplacedAtItsPrice()
    {
        // The cheap answer was billed, but the premium call's failure recorded the step as one call at $0 (priced):
        // a run that paid for three cheap answers showed $0.000000, and the budget, which had counted them, disagreed.
        await using var runtime = await StartAsync(new()
        {
            ["Emulator:Deployments:gpt-4o:ServerErrorRate"] = "1",
            ["Frugal:Models:Resilience:MaxRetries"] = "0",
        });
        var definition = Parse(EscalatingStep);

        var (id, metadata) = await RunToEndAsync(runtime, definition, new JsonObject { ["q"] = "What is the capital of France?" });

        Assert.Equal(OrchestrationRuntimeStatus.Failed, metadata.RuntimeStatus);
        var records = await RecordsAsync(runtime, id);
        Assert.Equal(
            ["answer#cheap/1 Escalated", "answer#cheap/2 Escalated", "answer#cheap/3 Escalated", "answer/1 Failed", "answer/2 Failed", "answer/3 Failed"],
            records.Select(r => $"{r.StepId}/{r.Attempt} {r.Outcome}").Order(StringComparer.Ordinal));
        var prices = PriceTable.LoadDefault();
        Assert.All(records.Where(r => r.StepId == "answer#cheap"), r =>
        {
            Assert.Equal((CostTier.Cheap, "gpt-4o-mini", true), (r.Tier, r.Model, r.Priced));
            Assert.True(r.InputTokens > 0 && r.OutputTokens > 0, $"{r.InputTokens} in, {r.OutputTokens} out");
            Assert.Equal(prices.Price("gpt-4o-mini", new TokenUsage(r.InputTokens, 0, r.OutputTokens, 0)).Dollars, r.Dollars);
        });
        Assert.All(records.Where(r => r.StepId == "answer"), r => Assert.Equal((CostTier.Premium, 0m, true), (r.Tier, r.Dollars, r.Priced)));
    }

    [Theory]
    [InlineData(false, new[] { "answer/1 Failed", "answer/2 Failed", "answer/3 Failed" })]
    [InlineData(true, new[] { "answer#cheap/1 Escalated", "answer#cheap/2 Escalated", "answer#cheap/3 Escalated", "answer/1 Failed", "answer/2 Failed", "answer/3 Failed" })]
    public async Task Run_AnswerIsNotTheJsonAsked_RecordsEveryAnsweredCallAtItsUsage(bool escalate, string[] expected)
    {
        // Answers cut off at max_output_tokens are not JSON; each was billed, but the failed attempt was recorded
        // with no tokens and as unpriced: six paid calls showed as "$0.000000 (+3 unpriced)".
        var spans = new System.Collections.Concurrent.ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == Frugal.Telemetry.FrugalTelemetry.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        await using var runtime = await StartAsync();
        var definition = Parse($$"""
            steps:
              - id: answer
                kind: model
                tier: cheap
                prompt: ${ input.q }
                max_output_tokens: 4
                escalate: {{(escalate ? "true" : "false")}}
                output_schema: { type: object, properties: { city: { type: string } }, required: [city] }
            """);

        var (id, metadata) = await RunToEndAsync(runtime, definition, new JsonObject { ["q"] = "What is the capital of France?" });

        Assert.Equal(OrchestrationRuntimeStatus.Failed, metadata.RuntimeStatus);
        Assert.Contains("not the JSON the step's output_schema asks for", metadata.FailureDetails!.ErrorMessage, StringComparison.Ordinal);

        // Of a tenant whose text is not stored, the step's span said only "System.InvalidOperationException (its message is
        // left out ...)": what failed is said now, without the reason, which may quote the answer.
        var step = spans.First(s => Equals(s.GetTagItem("frugal.run.id"), id) && s.Status == ActivityStatusCode.Error);
        Assert.Equal("the model's answer is not the JSON the step's output_schema asks for (the reason is left out: it may quote the answer)", step.StatusDescription);
        var records = await RecordsAsync(runtime, id);
        Assert.Equal(expected, records.Select(r => $"{r.StepId}/{r.Attempt} {r.Outcome}").Order(StringComparer.Ordinal));
        var prices = PriceTable.LoadDefault();
        Assert.All(records, r =>
        {
            Assert.Equal(escalate && r.StepId == "answer" ? (CostTier.Premium, "gpt-4o") : (CostTier.Cheap, "gpt-4o-mini"), (r.Tier, r.Model));
            Assert.True(r.Priced && r.InputTokens > 0 && r.OutputTokens is > 0 and <= 4, $"{r.StepId}: priced {r.Priced}, {r.InputTokens} in, {r.OutputTokens} out");
            Assert.Equal(prices.Price(r.Model, new TokenUsage(r.InputTokens, 0, r.OutputTokens, 0)).Dollars, r.Dollars);
        });
    }

    [Fact]
    public async Task Run_EveryAttemptTimesOut_RecordsEachAttemptUnpriced()
    {
        // Each timed-out attempt may have been billed unseen. When a retry answered each got a record; when none did,
        // the step attempt recorded one, so three timed-out HTTP attempts showed as one unknown call.
        await using var runtime = await StartAsync(new()
        {
            ["Emulator:Deployments:gpt-4o-mini:TimeoutRate"] = "1",
            ["Emulator:Deployments:gpt-4o-mini:TimeoutMs"] = "20000",
            ["Frugal:Models:Resilience:MaxRetries"] = "2",
            ["Frugal:Models:Resilience:BaseDelay"] = "00:00:00.010",
            ["Frugal:Models:Resilience:AttemptTimeout"] = "00:00:00.300",
        });

        var (id, metadata) = await RunToEndAsync(runtime, Parse(OneCheapStep), new JsonObject { ["q"] = "Say hi" });

        Assert.Equal(OrchestrationRuntimeStatus.Failed, metadata.RuntimeStatus);
        var records = await RecordsAsync(runtime, id);
        Assert.Equal(
            Enumerable.Range(1, 3).SelectMany(a => new[] { $"answer/{a} Failed", $"answer~timeout1/{a} Failed", $"answer~timeout2/{a} Failed" }).Order(StringComparer.Ordinal),
            records.Select(r => $"{r.StepId}/{r.Attempt} {r.Outcome}").Order(StringComparer.Ordinal));
        Assert.All(records, r => Assert.Equal((CostTier.Cheap, false, 0m), (r.Tier, r.Priced, r.Dollars)));
    }

    /// <summary>One cheap step whose answer must be confident: the emulator's is not, so it escalates to premium.</summary>
    private const string EscalatingStep = """
        steps:
          - id: answer
            kind: model
            tier: cheap
            prompt: ${ input.q }
            validate: { min_confidence: 0.5 }
        """;

    private const string OneCheapStep = """
        steps:
          - id: answer
            kind: model
            tier: cheap
            prompt: ${ input.q }
        """;

    private static WorkflowDefinition Parse(string steps) =>
        WorkflowLoader.Parse("name: control\ninput: { type: object }\n" + steps, "control.yaml");

    private static async Task<(string Id, WorkflowRunResult Result)> RunAsync(LocalRuntime runtime, WorkflowDefinition definition, JsonObject input)
    {
        var (id, metadata) = await RunToEndAsync(runtime, definition, input);
        Assert.True(metadata.RuntimeStatus == OrchestrationRuntimeStatus.Completed, metadata.FailureDetails?.ErrorMessage);
        return (id, metadata.ReadOutputAs<WorkflowRunResult>()!);
    }

    /// <summary>Runs the workflow until it ends, whichever way.</summary>
    private static async Task<(string Id, OrchestrationMetadata Metadata)> RunToEndAsync(LocalRuntime runtime, WorkflowDefinition definition, JsonObject input)
    {
        var id = await WorkflowStarter.StartAsync(runtime.Host.Client, definition, input);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        return (id, await runtime.Host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, timeout.Token));
    }

    private static async Task<List<CostRecord>> RecordsAsync(LocalRuntime runtime, string runId)
    {
        var records = new List<CostRecord>();
        await foreach (var record in runtime.Host.Services.GetRequiredService<ICostLedger>().QueryAsync(new CostQuery { RunId = runId }, CancellationToken.None))
        {
            records.Add(record);
        }

        return records;
    }

    private static Task<LocalRuntime> StartAsync(Dictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        settings ??= [];
        settings["Frugal:Costs:SqlitePath"] = Path.Combine(Path.GetTempPath(), $"frugal-tests-{Guid.NewGuid():N}", "costs.db");
        return LocalRuntime.StartAsync(new ConfigurationBuilder().AddInMemoryCollection(settings).Build(), store: null, TextWriter.Null, services);
    }

    /// <summary>Adds prompt-cache and reasoning token details to the emulator's usage, as Azure OpenAI reports them.</summary>
    private sealed class CachedUsageHandler : DelegatingHandler
    {
        public const int Cached = 8;
        public const int Reasoning = 3;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            if (response.IsSuccessStatusCode && JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken)) is JsonObject { } body
                && body["usage"] is JsonObject usage)
            {
                usage["prompt_tokens"] = usage["prompt_tokens"]!.GetValue<int>() + Cached;
                usage["prompt_tokens_details"] = new JsonObject { ["cached_tokens"] = Cached };
                usage["completion_tokens_details"] = new JsonObject { ["reasoning_tokens"] = Reasoning };
                response.Content = new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json");
            }

            return response;
        }
    }

    /// <summary>Answers the first request whose body mentions <paramref name="word"/> with a 503; passes everything else on.</summary>
    private sealed class FailFirstRequestHandler(string word)
    {
        private readonly string _word = word;
        private int _failed;

        public DelegatingHandler Share() => new Handler(this);

        private sealed class Handler(FailFirstRequestHandler owner) : DelegatingHandler
        {
            protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
            {
                if (request.Content is { } content)
                {
                    await content.LoadIntoBufferAsync(cancellationToken);
                    if ((await content.ReadAsStringAsync(cancellationToken)).Contains(owner._word, StringComparison.Ordinal)
                        && Interlocked.Exchange(ref owner._failed, 1) == 0)
                    {
                        return new HttpResponseMessage(System.Net.HttpStatusCode.ServiceUnavailable)
                        {
                            Content = new StringContent("""{"error": {"message": "overloaded for the test", "type": "server_error"}}""", System.Text.Encoding.UTF8, "application/json"),
                        };
                    }
                }

                return await base.SendAsync(request, cancellationToken);
            }
        }
    }
}
