using System.Text.Json.Nodes;
using Frugal.Engine;
using Frugal.Workflows;
using Microsoft.DurableTask.Client;

namespace Frugal.Hosting.Tests.Engine;

[Collection(LocalHostGroup.Name)]
public sealed class WorkflowOrchestratorTests(LocalHostFixture fixture)
{
    private DurableTaskClient Client => fixture.Runtime.Host.Client;

    [Fact]
    public async Task RunAsync_SupportTriageFaqHit_AnswersWithoutAModel()
    {
        var definition = WorkflowLoader.Load(RepoPaths.Workflow("support-triage.yaml"));
        var input = new JsonObject { ["subject"] = "Password reset", ["body"] = "I forgot my password, how do I reset it?" };

        var result = await RunAsync(definition, input);

        Assert.Equal("faq", result.Output!["answered_by"]!.GetValue<string>());
        Assert.Contains("reset your password", result.Output["reply"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("skipped", Step(result, "answer").Status);
        Assert.Equal("skipped", Step(result, "triage").Status);
        Assert.Equal(0, result.Steps.Sum(s => s.InputTokens));
    }

    [Fact]
    public async Task RunAsync_SupportTriageComplexTicket_RoutesToPremiumWithStructuredAnswer()
    {
        var definition = WorkflowLoader.Load(RepoPaths.Workflow("support-triage.yaml"));
        var body = "Our nightly export fails with NullReferenceException at ExportJob.Run() since the upgrade. " +
                   "First it times out, then it retries and crashes. Can you explain why this happens? " +
                   "Which version fixes it? Should we roll back, and how do we compare the two configurations step by step?";
        var input = new JsonObject { ["subject"] = "Export crashes after upgrade", ["body"] = body, ["customer_tier"] = "enterprise" };

        var result = await RunAsync(definition, input);

        Assert.Equal("premium", result.Output!["answered_by"]!.GetValue<string>());
        Assert.Contains(result.Output["category"]!.GetValue<string>(), new[] { "billing", "technical", "account", "other" });
        var answer = Step(result, "answer");
        Assert.Equal(1, answer.Tiers["premium"]);
        Assert.True(answer.InputTokens > 50);
        Assert.True(answer.OutputTokens > 0);
    }

    [Fact]
    public async Task RunAsync_SupportTriageSimpleTicket_UsesCheapTier()
    {
        var definition = WorkflowLoader.Load(RepoPaths.Workflow("support-triage.yaml"));
        var input = new JsonObject { ["subject"] = "Dark mode", ["body"] = "Is there a dark mode in the mobile app?" };

        var result = await RunAsync(definition, input);

        Assert.Equal("cheap", result.Output!["answered_by"]!.GetValue<string>());
        Assert.Equal(1, Step(result, "answer").Tiers["cheap"]);
    }

    [Fact]
    public async Task RunAsync_InputOverGrpcsDefaultMessageSize_Runs()
    {
        // The local sidecar refused messages over 4 MB ("Received message exceeds the maximum configured message size").
        var definition = WorkflowLoader.Parse("""
            name: big
            input: { type: object }
            steps:
              - id: size
                kind: deterministic
                operation: template
                input: ${ len(input.text) }
            """, "big.yaml");

        var result = await RunAsync(definition, new JsonObject { ["text"] = new string('x', 6_000_000) });

        Assert.Equal("6000000", result.Output!["size"]!.GetValue<string>());
    }

    [Fact]
    public async Task RunAsync_ForEach_KeepsItemOrderAcrossBatches()
    {
        var definition = WorkflowLoader.Load(RepoPaths.Workflow("batch-summarise.yaml"));
        var documents = new JsonArray([.. Enumerable.Range(0, 21).Select(i => (JsonNode)new JsonObject
        {
            ["id"] = $"doc-{i}",
            ["text"] = $"Document number {i} says the quarterly revenue grew by {i} percent in region {i % 3}.",
        })]);

        var result = await RunAsync(definition, new JsonObject { ["documents"] = documents });

        Assert.Equal(21, result.Output!["count"]!.GetValue<int>());
        var summaries = result.Output["summaries"]!.AsArray();
        Assert.Equal(21, summaries.Count);
        var step = Step(result, "summaries");
        Assert.Equal(21, step.Calls);
        Assert.Equal(3, step.Attempts); // 21 items in batches of 8: three activity calls
        Assert.Equal(21, step.Tiers["cheap"]);
    }

    [Fact]
    public async Task RunAsync_IndependentSteps_AllRunAndDependentsSeeTheirOutputs()
    {
        var definition = WorkflowLoader.Parse(
            """
            name: diamond
            input: { type: object, properties: { text: { type: string } } }
            steps:
              - id: upper
                kind: deterministic
                operation: template
                input: ${ upper(input.text) }
              - id: words
                kind: deterministic
                operation: regex
                input: ${ input.text }
                pattern: '(?<first>\w+) (?<second>\w+)'
              - id: joined
                kind: deterministic
                operation: template
                input: ${ steps.upper.output }/${ steps.words.output.second }
              - id: never
                kind: deterministic
                operation: template
                when: ${ len(input.text) > 100 }
                input: unreachable
            output: ${ steps.joined.output }
            """,
            "diamond.yaml");

        var result = await RunAsync(definition, new JsonObject { ["text"] = "hello world" });

        Assert.Equal("HELLO WORLD/world", result.Output!.GetValue<string>());
        Assert.Equal("skipped", Step(result, "never").Status);
        var order = result.Steps.Select(s => s.StepId).ToList();
        Assert.True(order.IndexOf("joined") > order.IndexOf("upper") && order.IndexOf("joined") > order.IndexOf("words"));
    }

    [Fact]
    public async Task RunAsync_LastStepSkippedAfterTheStepItReads_Completes()
    {
        // The run failed with "steps  wait on steps that never run": nothing was left to run once 'extra' was skipped.
        var definition = WorkflowLoader.Parse("""
            name: tail
            input: { type: object }
            steps:
              - id: first
                kind: deterministic
                operation: template
                input: x
              - id: extra
                kind: deterministic
                operation: template
                when: ${ steps.first.output == 'y' }
                input: z
            """, "tail.yaml");

        var result = await RunAsync(definition, new JsonObject());

        Assert.Equal("x", result.Output!["first"]!.GetValue<string>());
        Assert.Null(result.Output["extra"]);
        Assert.Equal("skipped", Step(result, "extra").Status);
    }

    [Fact]
    public async Task RunAsync_LookupTableValueAndDefaultWithExpressions_OutputsTheirValues()
    {
        // Both were output as written: a customer read "Hello ${ input.name }", and the default "${ input.subject }".
        var definition = WorkflowLoader.Parse("""
            name: canned
            input: { type: object }
            steps:
              - id: greet
                kind: deterministic
                operation: template
                input: Hello ${ input.name }
              - id: answer
                kind: deterministic
                operation: lookup
                input: ${ input.subject }
                table:
                  hello: ${ steps.greet.output }, how can we help?
                  cost: "Write $${ price } for a quote"
                default: { subject: "${ input.subject }" }
            output: ${ steps.answer.output }
            """, "canned.yaml");

        var hit = await RunAsync(definition, new JsonObject { ["name"] = "Ada", ["subject"] = "Hello!" });
        var literal = await RunAsync(definition, new JsonObject { ["name"] = "Ada", ["subject"] = "cost" });
        var miss = await RunAsync(definition, new JsonObject { ["name"] = "Ada", ["subject"] = "Refund" });

        Assert.Equal("Hello Ada, how can we help?", hit.Output!.GetValue<string>());
        Assert.Equal("Write ${ price } for a quote", literal.Output!.GetValue<string>());
        Assert.Equal("Refund", miss.Output!["subject"]!.GetValue<string>());
    }

    [Fact]
    public async Task RunAsync_NoOutputSection_OutputsEveryStepInTheFilesOrder()
    {
        // The keys came in completion order, which differs from run to run: diffs and snapshots of the output broke.
        var definition = WorkflowLoader.Parse(
            """
            name: no-output
            input: { type: object, properties: { text: { type: string } } }
            steps:
              - id: last
                kind: deterministic
                operation: template
                input: ${ steps.middle.output }!
              - id: skipped
                kind: deterministic
                operation: template
                when: ${ len(input.text) > 100 }
                input: unreachable
              - id: middle
                kind: deterministic
                operation: template
                input: ${ steps.first.output }-
              - id: first
                kind: deterministic
                operation: template
                input: ${ input.text }
            """,
            "no-output.yaml");

        var result = await RunAsync(definition, new JsonObject { ["text"] = "go" });

        Assert.Equal("""{"last":"go-!","skipped":null,"middle":"go-","first":"go"}""", result.Output!.ToJsonString());
    }

    [Fact]
    public async Task RunAsync_ChainReadingOlderSteps_SeesEveryResultAcrossReplays()
    {
        // Results met again while replaying are read only when something refers to them (StepResponseJson): here a
        // condition and an input read steps finished several replays earlier, and the run output, with no template,
        // lists every step in the order they finished.
        var definition = WorkflowLoader.Parse(
            """
            name: reach-back
            input: { type: object, properties: { text: { type: string } } }
            steps:
              - id: s1
                kind: deterministic
                operation: template
                input: ${ input.text }-1
              - id: s2
                kind: deterministic
                operation: template
                input: ${ steps.s1.output }-2
              - id: s3
                kind: deterministic
                operation: template
                needs: [s2]
                when: ${ steps.s1.output == 'go-1' }
                input: three
              - id: s4
                kind: deterministic
                operation: template
                input: ${ steps.s1.output }|${ steps.s3.output }|${ steps.s2.output }
            """,
            "reach-back.yaml");

        var result = await RunAsync(definition, new JsonObject { ["text"] = "go" });

        var output = result.Output!.AsObject();
        Assert.Equal(["s1", "s2", "s3", "s4"], output.Select(p => p.Key));
        Assert.Equal("go-1|three|go-1-2", output["s4"]!.GetValue<string>());
        Assert.Equal(["completed", "completed", "completed", "completed"], result.Steps.Select(s => s.Status));
    }

    [Fact]
    public async Task RunAsync_EditedDefinition_InFlightRunKeepsItsVersion()
    {
        const string Template = """
            name: pinned
            input: { type: object }
            steps:
              - id: say
                kind: deterministic
                operation: template
                input: VERSION
            """;
        var v1 = WorkflowLoader.Parse(Template.Replace("VERSION", "one", StringComparison.Ordinal), "pinned.yaml");
        var v2 = WorkflowLoader.Parse(Template.Replace("VERSION", "two", StringComparison.Ordinal), "pinned.yaml");

        var first = await WorkflowStarter.StartAsync(Client, v1, new JsonObject());
        var second = await WorkflowStarter.StartAsync(Client, v2, new JsonObject());
        var r1 = await WaitAsync(first);
        var r2 = await WaitAsync(second);

        Assert.NotEqual(v1.Hash, v2.Hash);
        Assert.Equal("one", r1.Output!["say"]!.GetValue<string>());
        Assert.Equal("two", r2.Output!["say"]!.GetValue<string>());
    }

    [Fact]
    public async Task RunAsync_ForEachItemsNotAList_FailsSayingWhatTheyYielded()
    {
        var definition = WorkflowLoader.Parse("""
            name: fe
            input: { type: object }
            steps:
              - id: each
                kind: foreach
                items: ${ input.items }
                do: { kind: deterministic, operation: template, input: "${ item }" }
            """, "fe.yaml");
        var id = await WorkflowStarter.StartAsync(Client, definition, new JsonObject { ["items"] = "one, two" });

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var metadata = await Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, timeout.Token);

        Assert.Equal(OrchestrationRuntimeStatus.Failed, metadata.RuntimeStatus);
        Assert.Equal("step 'each': 'items' (\"${ input.items }\") must yield a list, but yielded string", metadata.FailureDetails?.ErrorMessage);
    }

    [Fact]
    public async Task RunAsync_ForEachItemsExpressionFails_FailsNamingTheStep()
    {
        // The failure said only "'-' needs two numbers, got a string and a number", with no step to look at.
        var definition = WorkflowLoader.Parse("""
            name: fe
            input: { type: object }
            steps:
              - id: each
                kind: foreach
                items: ${ input.items - 1 }
                do: { kind: deterministic, operation: template, input: "${ item }" }
            """, "fe.yaml");
        var id = await WorkflowStarter.StartAsync(Client, definition, new JsonObject { ["items"] = "one, two" });

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var metadata = await Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, timeout.Token);

        Assert.Equal(OrchestrationRuntimeStatus.Failed, metadata.RuntimeStatus);
        Assert.Equal(
            "step 'each': 'items' (\"${ input.items - 1 }\") failed: '-' needs two numbers, got a string and a number",
            metadata.FailureDetails?.ErrorMessage);
    }

    [Fact]
    public async Task RunAsync_ForEachBatchOverTheHostsLimit_RefusedBeforeTheRestOfItsItemsAreBuilt()
    {
        // The batch was built whole before the converter refused it: 400 calls of a 1 MB text each took 800 MB of
        // strings. Five items are surely over the limit, so the sixth, whose call could not be built, is never reached.
        var definition = WorkflowLoader.Parse("""
            name: fe
            input: { type: object }
            steps:
              - id: each
                kind: foreach
                items: ${ input.items }
                batch_size: 6
                do: { kind: deterministic, operation: template, input: "${ item.text }${ number(item.n) }" }
            """, "fe.yaml");
        var items = new JsonArray();
        for (var i = 0; i < 5; i++)
        {
            items.Add(new JsonObject { ["text"] = new string('x', 1_000_000), ["n"] = 1 });
        }

        items.Add(new JsonObject { ["text"] = "", ["n"] = "abc" });
        var id = await WorkflowStarter.StartAsync(Client, definition, new JsonObject { ["items"] = items });

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var metadata = await Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, timeout.Token);

        Assert.Equal(OrchestrationRuntimeStatus.Failed, metadata.RuntimeStatus);
        Assert.Equal(
            "step 'each' (batch 0, 6 item(s)): its request is at least 4.76 MB, over the 3.9 MB Durable Task allows one activity's input; give the step a smaller batch_size, or smaller items",
            metadata.FailureDetails?.ErrorMessage);
        Assert.True(DurableMessageTooLargeException.Explains(metadata.FailureDetails?.ErrorMessage));
    }

    [Fact]
    public async Task RunAsync_StepRequestOverTheHostsLimitBesideAnotherStep_FailsTheRunNamingIt()
    {
        // Only the converter's exact count refuses this request ('é' is one UTF-16 unit but two bytes of UTF-8, so the
        // orchestrator's early estimate, its length, is under the limit), with 'b' scheduled beside it: the run fails
        // naming the step and its size, as an expression failing beside another step does (where replays once lined up
        // the activities wrongly).
        var definition = WorkflowLoader.Parse("""
            name: big
            input: { type: object }
            steps:
              - { id: b, kind: deterministic, operation: template, input: "${ input.n }" }
              - { id: a, kind: deterministic, operation: template, input: "${ input.text }" }
            output: { a: "${ steps.a.output }", b: "${ steps.b.output }" }
            """, "big.yaml");
        var id = await WorkflowStarter.StartAsync(Client, definition, new JsonObject { ["text"] = new string('é', 2_100_000), ["n"] = 7 });

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var metadata = await Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, timeout.Token);

        Assert.Equal(OrchestrationRuntimeStatus.Failed, metadata.RuntimeStatus);
        Assert.Equal(
            "step 'a': its request is 4.01 MB, over the 3.9 MB Durable Task allows one activity's input; bound what the step reads (maxLength in the workflow's input schema, or truncate() in its expressions)",
            metadata.FailureDetails?.ErrorMessage);
    }

    [Fact]
    public async Task RunAsync_ForEachBatchSizeOfIntMaxValue_RunsEveryItemInOneBatch()
    {
        // The schema allows batch_size up to 2147483647; counting the batches overflowed and the run failed on
        // "Arithmetic operation resulted in an overflow".
        var definition = WorkflowLoader.Parse("""
            name: fe
            input: { type: object }
            steps:
              - id: each
                kind: foreach
                items: ${ input.items }
                batch_size: 2147483647
                do: { kind: deterministic, operation: template, input: "${ index }:${ item }" }
            """, "fe.yaml");
        var id = await WorkflowStarter.StartAsync(Client, definition, new JsonObject { ["items"] = new JsonArray("a", "b", "c") });

        var result = await WaitAsync(id);

        Assert.Equal("""["0:a","1:b","2:c"]""", result.Output!["each"]!.ToJsonString());
    }

    [Fact]
    public async Task RunAsync_FailsAfterMoreStepsThanItsStatusHolds_KeepsTheLastSummariesAndTheFailedStepWithinDurableFunctionsLimit()
    {
        // A failed run's status carries its steps' summaries; Durable Functions fails a run whose custom status is over
        // 16 KB of UTF-16, and Azure Storage cannot store one over its column: 100 summaries are more than that.
        var names = Enumerable.Range(0, 100).Select(i => $"step{i}").ToList();
        var definition = WorkflowLoader.Parse($$"""
            name: wide
            input: { type: object }
            steps:
            {{string.Join('\n', names.Select(n => $"  - {{ id: {n}, kind: deterministic, operation: template, input: '{n} of ${{ input.text }}' }}"))}}
              - id: last
                kind: deterministic
                needs: [{{string.Join(", ", names)}}]
                operation: template
                input: ${ number(input.long) }
            """, "wide.yaml");
        var id = await WorkflowStarter.StartAsync(Client, definition, new JsonObject { ["text"] = "abc", ["long"] = new string('x', 3_000) });

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var metadata = await Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, timeout.Token);

        Assert.Equal(OrchestrationRuntimeStatus.Failed, metadata.RuntimeStatus);
        Assert.InRange(metadata.SerializedCustomStatus!.Length, 4_000, 16 * 1024 / 2);
        var progress = metadata.ReadCustomStatusAs<RunProgress>()!;
        Assert.Equal((100, 101), (progress.CompletedSteps, progress.TotalSteps));
        var failed = progress.Steps![^1];
        Assert.Equal(("last", "failed"), (failed.StepId, failed.Status));
        Assert.StartsWith("step 'last': number() cannot read 'xxx", failed.Error, StringComparison.Ordinal);
        Assert.Equal((1_000, '…'), (failed.Error!.Length, failed.Error[^1])); // the run's error has it in full
        Assert.EndsWith("' as a number", metadata.FailureDetails!.ErrorMessage, StringComparison.Ordinal);
        Assert.InRange(progress.Steps.Count, 20, 99); // the last ones that fit, not every one of the 100
        Assert.All(progress.Steps.SkipLast(1), s => Assert.Equal("completed", s.Status));
    }

    [Fact]
    public async Task RunAsync_FailsAfterAStepWasSkipped_ProgressCountsTheSkippedStep()
    {
        // 'frugal run' printed "0 of 2 finished" (and GET /api/runs/{id} the same) though 'optional' had been skipped.
        var definition = WorkflowLoader.Parse("""
            name: progress
            input: { type: object }
            steps:
              - id: optional
                kind: deterministic
                operation: template
                when: ${ input.wanted }
                input: x
              - id: count
                kind: deterministic
                operation: template
                input: ${ input.n - 1 }
            """, "progress.yaml");
        var id = await WorkflowStarter.StartAsync(Client, definition, new JsonObject { ["wanted"] = false, ["n"] = "three" });

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var metadata = await Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, timeout.Token);

        Assert.Equal(OrchestrationRuntimeStatus.Failed, metadata.RuntimeStatus);
        var progress = metadata.ReadCustomStatusAs<RunProgress>()!;
        Assert.Equal((1, 2), (progress.CompletedSteps, progress.TotalSteps));
    }

    [Fact]
    public async Task StartAsync_InputViolatesSchema_ThrowsWithEveryViolation()
    {
        var definition = WorkflowLoader.Load(RepoPaths.Workflow("support-triage.yaml"));

        var ex = await Assert.ThrowsAsync<WorkflowInputException>(() =>
            WorkflowStarter.StartAsync(Client, definition, new JsonObject { ["subject"] = 5, ["extra"] = true }));

        Assert.True(ex.Violations.Count >= 3, string.Join("; ", ex.Violations));
        Assert.Contains(ex.Violations, v => v.Pointer == "/subject");
    }

    [Fact]
    public async Task RunAsync_ContainsOnAnObjectWithAKeyThatIsNoString_FailsNamingTheStep()
    {
        // An object's JSON text was searched: contains({"a": "b"}, 1) looked for '1' in '{"a":"b"}'.
        var definition = WorkflowLoader.Parse("""
            name: keys
            input: { type: object }
            steps:
              - { id: number, kind: deterministic, operation: template, input: "${ contains(input.o, input.n) }" }
            """, "keys.yaml");
        var id = await WorkflowStarter.StartAsync(Client, definition, new JsonObject { ["o"] = new JsonObject { ["a"] = "b" }, ["n"] = 1 });

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var metadata = await Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, timeout.Token);

        Assert.Equal(OrchestrationRuntimeStatus.Failed, metadata.RuntimeStatus);
        Assert.Equal("step 'number': contains() on an object looks for a key, which is a string; got a number", metadata.FailureDetails?.ErrorMessage);
    }

    [Fact]
    public async Task StartAsync_ValidatedInput_StartsWithoutCheckingItAgain()
    {
        // The HTTP API and the queue trigger check the input before the budget (400 before 402 or 429) and start what
        // that check passed: the starter checked it once more, so every start ran the input schema twice. The input is
        // changed after the check here only to see that the starter does not look again.
        var definition = WorkflowLoader.Parse("""
            name: echo
            input: { type: object, properties: { text: { type: string } }, required: [text], additionalProperties: false }
            steps:
              - { id: say, kind: deterministic, operation: template, input: "${ input.text }" }
            """, "echo.yaml");
        var input = new JsonObject { ["text"] = "checked" };
        Assert.True(WorkflowInputValidator.TryValidate(definition, input, out var valid, out _));
        input["text"] = "changed";
        input["extra"] = true;

        var id = await WorkflowStarter.StartAsync(Client, valid);
        var result = await WaitAsync(id);

        Assert.Equal("changed", result.Output!["say"]!.GetValue<string>());
    }

    private async Task<WorkflowRunResult> RunAsync(WorkflowDefinition definition, JsonNode input)
    {
        var id = await WorkflowStarter.StartAsync(Client, definition, input);
        return await WaitAsync(id);
    }

    private async Task<WorkflowRunResult> WaitAsync(string id)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var metadata = await Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, timeout.Token);
        Assert.True(metadata.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"run {id} ended {metadata.RuntimeStatus}: {metadata.FailureDetails?.ErrorMessage}");
        return metadata.ReadOutputAs<WorkflowRunResult>()!;
    }

    private static StepSummary Step(WorkflowRunResult result, string id) => Assert.Single(result.Steps, s => s.StepId == id);
}
