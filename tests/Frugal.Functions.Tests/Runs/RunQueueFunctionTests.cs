using System.Text.Json.Nodes;
using Frugal.Costs;
using Frugal.Functions.Runs;
using Frugal.Telemetry;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;

namespace Frugal.Functions.Tests.Runs;

public sealed class RunQueueFunctionTests(FunctionsHostFixture fixture) : IClassFixture<FunctionsHostFixture>
{
    private readonly RunQueueFunction _function = new(fixture.Catalog, NullLogger<RunQueueFunction>.Instance);

    /// <summary>A first delivery of a message: the trigger binds an id no other message has.</summary>
    private static TestFunctionContext NewDelivery() => TestFunctionContext.QueueMessage(Guid.NewGuid().ToString());

    [Theory]
    [InlineData("not json", "message is not valid JSON")]
    [InlineData("[1, 2]", "message must be a JSON object")]
    [InlineData("""{"input": {}}""", "missing the string field 'workflow'")]
    [InlineData("""{"workflow": "nope", "input": {}}""", "unknown workflow 'nope'")]
    [InlineData("""{"workflow": "support-triage", "input": {"subject": 1}}""", "input does not match the input schema of 'support-triage'")]
    [InlineData("""{"workflow": "support-triage", "input": {"subject": "Hi", "body": "Hi"}, "tenant": "tttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttt"}""", "'tenant' must be at most 128 characters (was 132)")]
    [InlineData("""{"workflow": "support-triage", "input": {"subject": "Hi", "body": "Hi"}, "tenant": 42}""", "'tenant' must be a string when it is given")]
    [InlineData("""{"workflow": "support-triage", "input": {"subject": "Hi", "body": "Hi"}, "id": 7}""", "'id' must be a string when it is given")]
    [InlineData("""{"workflow": "support-triage", "input": {"subject": "Hi", "body": "Hi"}, "id": ""}""", "'id' must not be empty")]
    [InlineData("""{"workflow": "support-triage", "input": {"subject": "Hi", "body": "Hi"}, "id": "jobs/7"}""", "'id' must not contain '/', '\\', '#', '?' or control characters")]
    [InlineData("""{"workflow": "support-triage", "input": {"subject": "Hi", "body": "Hi"}, "tenantId": "acme"}""", "unknown field 'tenantId' (did you mean 'tenant'?)")]
    [InlineData("""{"workflow": "support-triage", "Input": {"subject": "Hi", "body": "Hi"}}""", "unknown field 'Input' (did you mean 'input'?)")]
    [InlineData("""{"workflow": "support-triage", "input": {"subject": "Hi", "body": "Hi"}, "priority": 1}""", "unknown field 'priority': a job has 'workflow', 'input', 'tenant' and 'id', and nothing else")]
    public async Task Run_BadMessage_GoesToPoisonQueueWithReason(string message, string reason)
    {
        var poison = await _function.RunAsync(message, fixture.Host.Client, NewDelivery(), CancellationToken.None);

        Assert.NotNull(poison);
        var node = JsonNode.Parse(poison)!;
        Assert.Contains(reason, node["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(message, node["message"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("walnut", false)]
    [InlineData("ACME", true)]
    public async Task Run_InputBreaksTheSchema_LogNamesWhereAndQuotesTheValueOnlyForATenantWhoseTextIsStored(string tenant, bool stored)
    {
        // The poison entry goes back to the sender with the value the schema refused; the log line, which goes to
        // Application Insights, says where, unless the tenant's text may be stored.
        const string Secret = "Jane Roe's card 4111-1111";
        var logger = new FakeLogger<RunQueueFunction>();
        var text = new TenantTextPolicy(Options.Create(new CostsOptions { StoreTextForTenants = { "acme" } }));
        var function = new RunQueueFunction(fixture.Catalog, logger, budgets: null, text);
        var message = new JsonObject
        {
            ["workflow"] = "support-triage",
            ["tenant"] = tenant,
            ["input"] = new JsonObject { ["subject"] = "Hi", ["body"] = "Hi", ["customer_tier"] = Secret },
        }.ToJsonString();

        var poison = await function.RunAsync(message, fixture.Host.Client, NewDelivery(), CancellationToken.None);

        Assert.Contains(Secret, JsonNode.Parse(poison!)!["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        var logged = Assert.Single(logger.Collector.GetSnapshot()).Message;
        Assert.StartsWith("Queue message sent to the poison queue: input does not match the input schema of 'support-triage'", logged, StringComparison.Ordinal);
        Assert.Contains("/customer_tier", logged, StringComparison.Ordinal);
        Assert.Equal(stored, logged.Contains(Secret, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Run_JobOfManyInvalidItems_PoisonEntryFitsTheQueueWithTheJobWhole()
    {
        // Every item fails the schema: the reason lists them all, and with the job it was over the queue's 64 KiB, so
        // the entry could not be written and the job reached the poison queue, five deliveries later, without a reason.
        var documents = new JsonArray([.. Enumerable.Range(0, 1_000).Select(i => (JsonNode?)new JsonObject { ["id"] = i, ["text"] = "Caf\u00e9 \"n\u00b0" + i })]);
        var message = new JsonObject { ["workflow"] = "batch-summarise", ["input"] = new JsonObject { ["documents"] = documents } }
            .ToJsonString(new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

        var poison = await _function.RunAsync(message, fixture.Host.Client, NewDelivery(), CancellationToken.None);

        Assert.NotNull(poison);
        Assert.InRange(System.Text.Encoding.UTF8.GetByteCount(poison), 1, RunQueueFunction.MaxMessageBytes);
        var node = JsonNode.Parse(poison)!;
        Assert.Equal(message, node["message"]!.GetValue<string>());
        Assert.StartsWith("input does not match the input schema of 'batch-summarise'", node["reason"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public void PoisonEntry_LongReason_IsCutToFitAndSaysSo()
    {
        var message = "{\"workflow\": \"w\", \"input\": \"" + new string('é', 20_000) + "\"}";
        var reason = string.Concat(Enumerable.Range(0, 5_000).Select(i => $"/items/{i}: expected a string; "));

        var entry = RunQueueFunction.PoisonEntry(reason, message);

        Assert.InRange(System.Text.Encoding.UTF8.GetByteCount(entry), 60_000, RunQueueFunction.MaxMessageBytes);
        var node = JsonNode.Parse(entry)!;
        Assert.Equal(message, node["message"]!.GetValue<string>());
        Assert.StartsWith("/items/0: expected a string; /items/1:", node["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.EndsWith("(cut to fit the queue's 64 KiB)", node["reason"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public void PoisonEntry_JobTooLargeForAnyReason_GoesAsItWas()
    {
        var message = "{\"workflow\": \"w\", \"input\": \"" + string.Concat(Enumerable.Repeat("\\\"", 21_000)) + "\"}";

        Assert.Same(message, RunQueueFunction.PoisonEntry("input does not match", message));
    }

    [Fact]
    public async Task Run_GoodMessage_StartsTheRunWithItsId()
    {
        var id = $"queue-{Guid.NewGuid():N}";
        var message = new JsonObject
        {
            ["workflow"] = "support-triage",
            ["tenant"] = "acme",
            ["id"] = id,
            ["input"] = new JsonObject { ["subject"] = "Invoice copy", ["body"] = "Where is my invoice?" },
        }.ToJsonString();

        var poison = await _function.RunAsync(message, fixture.Host.Client, NewDelivery(), CancellationToken.None);

        Assert.Null(poison);
        var run = await fixture.Host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true);
        Assert.Equal(Microsoft.DurableTask.Client.OrchestrationRuntimeStatus.Completed, run.RuntimeStatus);
    }

    [Fact]
    public async Task Run_SameIdAgain_StartsNothingWhileTheRunIsInFlightOrOnceItCompleted()
    {
        // Queues deliver at least once: a job delivered again after its run had completed ran (and paid) a second time.
        var id = $"queue-{Guid.NewGuid():N}";
        var message = new JsonObject
        {
            ["workflow"] = "support-triage",
            ["id"] = id,
            ["input"] = new JsonObject { ["subject"] = "Invoice copy", ["body"] = "Where is my invoice?" },
        }.ToJsonString();
        var client = fixture.Host.Client;
        Assert.Null(await _function.RunAsync(message, client, NewDelivery(), CancellationToken.None));
        var first = await client.WaitForInstanceCompletionAsync(id);

        Assert.Null(await _function.RunAsync(message, client, NewDelivery(), CancellationToken.None));

        var again = await client.GetInstanceAsync(id, getInputsAndOutputs: true);
        Assert.Equal(0, again!.ReadInputAs<Frugal.Engine.WorkflowRunRequest>()!.Execution);
        Assert.Equal(first.LastUpdatedAt, again.LastUpdatedAt);

        // A run that has not ended is in flight: a second delivery of its job starts nothing. (A start scheduled for
        // later is no such run here: the embedded backend starts it at once.)
        var running = $"queue-{Guid.NewGuid():N}";
        await client.ScheduleNewOrchestrationInstanceAsync(FunctionsHostFixture.WaitingOrchestrator, new Microsoft.DurableTask.StartOrchestrationOptions(running));
        await client.WaitForInstanceStartAsync(running);
        Assert.Equal((Microsoft.DurableTask.Client.OrchestrationRuntimeStatus.Running, false, 0), await Frugal.Engine.WorkflowStarter.NextExecutionAsync(client, running));
        await client.TerminateInstanceAsync(running);
    }

    [Fact]
    public async Task Run_JobWithoutId_RunsUnderItsMessageId()
    {
        var messageId = Guid.NewGuid().ToString();
        var message = """{"workflow": "support-triage", "input": {"subject": "Invoice copy", "body": "Where is my invoice?"}}""";

        Assert.Null(await _function.RunAsync(message, fixture.Host.Client, TestFunctionContext.QueueMessage(messageId), CancellationToken.None));

        Assert.NotNull(await fixture.Host.Client.GetInstanceAsync(messageId));
        var run = await fixture.Host.Client.WaitForInstanceCompletionAsync(messageId);
        Assert.Equal(Microsoft.DurableTask.Client.OrchestrationRuntimeStatus.Completed, run.RuntimeStatus);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Run_MessageWithoutIdDeliveredAgain_StartsNothingWhateverBecameOfItsRun(bool terminated)
    {
        // Queues deliver at least once: a job without an id ran under a new id on each delivery, so a message delivered
        // again (its first start answered late, or it was not deleted after the run started) paid for a second run.
        var client = fixture.Host.Client;
        var messageId = Guid.NewGuid().ToString();
        if (terminated)
        {
            await client.ScheduleNewOrchestrationInstanceAsync(FunctionsHostFixture.WaitingOrchestrator, new Microsoft.DurableTask.StartOrchestrationOptions(messageId));
            await client.WaitForInstanceStartAsync(messageId);
            await client.TerminateInstanceAsync(messageId);
        }
        else
        {
            var first = """{"workflow": "support-triage", "input": {"subject": "Invoice copy", "body": "Where is my invoice?"}}""";
            Assert.Null(await _function.RunAsync(first, client, TestFunctionContext.QueueMessage(messageId), CancellationToken.None));
            Assert.NotNull(await client.GetInstanceAsync(messageId));
        }

        var before = await client.WaitForInstanceCompletionAsync(messageId);
        var again = """{"workflow": "support-triage", "input": {"subject": "Invoice copy", "body": "Where is my invoice?"}}""";

        Assert.Null(await _function.RunAsync(again, client, TestFunctionContext.QueueMessage(messageId), CancellationToken.None));

        var after = await client.GetInstanceAsync(messageId);
        Assert.Equal((before.RuntimeStatus, before.LastUpdatedAt), (after!.RuntimeStatus, after.LastUpdatedAt));
    }

    [Fact]
    public async Task Run_SameIdAgainAfterTheRunWasTerminated_StartsItsNextExecution()
    {
        // With attempts counted from 1 again, a second execution's cost records were taken for the first's and dropped.
        var id = $"queue-{Guid.NewGuid():N}";
        var client = fixture.Host.Client;
        await client.ScheduleNewOrchestrationInstanceAsync(FunctionsHostFixture.WaitingOrchestrator, new Microsoft.DurableTask.StartOrchestrationOptions(id));
        await client.WaitForInstanceStartAsync(id);
        await client.TerminateInstanceAsync(id);
        await client.WaitForInstanceCompletionAsync(id);
        var message = new JsonObject
        {
            ["workflow"] = "support-triage",
            ["id"] = id,
            ["input"] = new JsonObject { ["subject"] = "Invoice copy", ["body"] = "Where is my invoice?" },
        }.ToJsonString();

        Assert.Null(await _function.RunAsync(message, client, NewDelivery(), CancellationToken.None));

        var again = await client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true);
        Assert.Equal(Microsoft.DurableTask.Client.OrchestrationRuntimeStatus.Completed, again.RuntimeStatus);
        Assert.Equal(1, again.ReadInputAs<Frugal.Engine.WorkflowRunRequest>()!.Execution);
    }
}
