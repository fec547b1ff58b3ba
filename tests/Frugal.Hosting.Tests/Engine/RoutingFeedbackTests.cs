using System.Text;
using System.Text.Json.Nodes;
using Frugal.Api;
using Frugal.Cli.Local;
using Frugal.Engine;
using Frugal.Models;
using Frugal.Routing.Feedback;
using Frugal.Workflows;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Frugal.Hosting.Tests.Engine;

/// <summary>The production feedback loop: escalations and user verdicts become labelled routing examples.</summary>
public sealed class RoutingFeedbackTests
{
    [Theory]
    [InlineData("default", 2, "sqlite")]
    [InlineData("someone-else", 0, "sqlite")]
    [InlineData("default", 2, "table")]
    [InlineData("someone-else", 0, "table")]
    public async Task Feedback_EscalationAndUserVerdict_BecomeLabelledExamplesOfTenantsWhoseTextMayBeKept(string textTenant, int kept, string storeKind)
    {
        // The loop keeps prompt text; it kept every tenant's, whatever Frugal:Costs:StoreTextForTenants said. The table
        // store (Azurite here) is the one a scaled-out Functions app shares.
        var dir = Directory.CreateTempSubdirectory("frugal-feedback-");
        string tableName = "feedback" + Guid.NewGuid().ToString("N")[..12];
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Frugal:Costs:SqlitePath"] = Path.Combine(dir.FullName, "costs.db"),
            ["Frugal:Routing:Feedback:Enabled"] = "true",
            ["Frugal:Costs:StoreTextForTenants:0"] = textTenant,
            ["Frugal:Routing:Feedback:Path"] = Path.Combine(dir.FullName, "feedback.db"),
            ["Frugal:Routing:Feedback:Store"] = storeKind,
            ["Frugal:Routing:Feedback:TableConnectionString"] = Azurite,
            ["Frugal:Routing:Feedback:TableName"] = tableName,
        }).Build();
        await using var cleanUp = new TableCleanUp(storeKind == "table" ? new Azure.Data.Tables.TableClient(Azurite, tableName) : null);
        await using var runtime = await LocalRuntime.StartAsync(configuration, store: null, TextWriter.Null);
        var definition = WorkflowLoader.Parse("""
            name: fb
            input: { type: object }
            steps:
              - id: strict
                kind: model
                tier: cheap
                prompt: "Strict: ${ input.q }"
                validate: { min_confidence: 0.5 }
              - id: plain
                kind: model
                tier: cheap
                prompt: "Plain: ${ input.q }"
            """, "fb.yaml");
        var id = await WorkflowStarter.StartAsync(runtime.Host.Client, definition, new JsonObject { ["q"] = "How many moons has Mars?" });
        await runtime.Host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: false);
        var store = runtime.Host.Services.GetRequiredService<IRoutingFeedbackStore>();
        var api = new WorkflowApi(new WorkflowCatalog([]), feedback: store);

        var client = runtime.Host.Client;
        var otherTenant = await api.FeedbackAsync(client, id, Body("""{"step": "plain", "verdict": "bad"}"""), "someone-else", CancellationToken.None);
        var marked = await api.FeedbackAsync(client, id, Body("""{"step": "plain", "verdict": "bad"}"""), default, CancellationToken.None);
        var unknown = await api.FeedbackAsync(client, id, Body("""{"step": "nope", "verdict": "bad"}"""), default, CancellationToken.None);
        var invalid = await api.FeedbackAsync(client, id, Body("""{"step": "plain", "verdict": "meh"}"""), default, CancellationToken.None);
        var notAnObject = await api.FeedbackAsync(client, id, Body("""["plain", "bad"]"""), default, CancellationToken.None); // threw (500) before

        Assert.Equal(404, otherTenant.StatusCode); // a verdict on another tenant's run is refused as if it did not exist
        Assert.Equal(kept > 0 ? 200 : 404, marked.StatusCode);
        Assert.Equal(404, unknown.StatusCode);
        Assert.Equal(400, invalid.StatusCode);
        Assert.Equal(400, notAnObject.StatusCode);
        var examples = new List<Frugal.Models.RoutingFeedback>();
        await foreach (var example in store.ReadExamplesAsync(CancellationToken.None))
        {
            examples.Add(example);
        }

        Assert.Equal(kept, examples.Count);
        if (kept == 0)
        {
            return;
        }

        var escalation = Assert.Single(examples, e => e.Source == "escalation");
        Assert.Equal(("strict", 0.0), (escalation.StepId, escalation.CheapScore));
        Assert.StartsWith("Strict:", escalation.Prompt, StringComparison.Ordinal);
        var user = Assert.Single(examples, e => e.Source == "user");
        Assert.Equal(("plain", 0.0, 1.0), (user.StepId, user.CheapScore, user.PremiumScore));
    }

    [Fact]
    public async Task Feedback_OnAForeachStep_SaysToJudgeAnItemNamingThem()
    {
        // The run reports the step as 'each', but its calls are recorded per item: the 404 blamed the tenant list.
        var dir = Directory.CreateTempSubdirectory("frugal-feedback-");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Frugal:Costs:SqlitePath"] = Path.Combine(dir.FullName, "costs.db"),
            ["Frugal:Routing:Feedback:Enabled"] = "true",
            ["Frugal:Costs:StoreTextForTenants:0"] = "default",
            ["Frugal:Routing:Feedback:Path"] = Path.Combine(dir.FullName, "feedback.db"),
        }).Build();
        await using var runtime = await LocalRuntime.StartAsync(configuration, store: null, TextWriter.Null);
        var definition = WorkflowLoader.Parse("""
            name: fb-each
            input: { type: object }
            steps:
              - id: each
                kind: foreach
                items: ${ input.items }
                batch_size: 1
                do:
                  kind: model
                  tier: cheap
                  prompt: "Say something about ${ item }"
            """, "fb-each.yaml");
        var items = new JsonArray([.. Enumerable.Range(0, 12).Select(i => (JsonNode)$"item {i}")]);
        var id = await WorkflowStarter.StartAsync(runtime.Host.Client, definition, new JsonObject { ["items"] = items });
        await runtime.Host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: false);
        var api = new WorkflowApi(new WorkflowCatalog([]), feedback: runtime.Host.Services.GetRequiredService<IRoutingFeedbackStore>());

        var whole = await api.FeedbackAsync(runtime.Host.Client, id, Body("""{"step": "each", "verdict": "bad"}"""), default, CancellationToken.None);
        var item = await api.FeedbackAsync(runtime.Host.Client, id, Body("""{"step": "each[10]", "verdict": "bad"}"""), default, CancellationToken.None);

        Assert.Equal(404, whole.StatusCode);
        Assert.Equal(
            $"step 'each' of run '{id}' is a foreach: a verdict judges one item's model call, named by its index ('each[0]', 'each[1]', 'each[2]', 'each[3]', ...)",
            whole.Body["detail"]!.GetValue<string>());
        Assert.Equal(200, item.StatusCode);
    }

    [Fact]
    public async Task Feedback_GoodVerdictOnAPremiumAnswer_AnswersThatNoExampleWasKeptAndWhy()
    {
        // It answered "recorded": true, where a good premium answer says nothing about cheap and keeps no example: a
        // team counting the verdicts it had "recorded" counted examples the next router would never see.
        var dir = Directory.CreateTempSubdirectory("frugal-feedback-");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Frugal:Costs:SqlitePath"] = Path.Combine(dir.FullName, "costs.db"),
            ["Frugal:Routing:Feedback:Enabled"] = "true",
            ["Frugal:Costs:StoreTextForTenants:0"] = "default",
            ["Frugal:Routing:Feedback:Path"] = Path.Combine(dir.FullName, "feedback.db"),
        }).Build();
        await using var runtime = await LocalRuntime.StartAsync(configuration, store: null, TextWriter.Null);
        var definition = WorkflowLoader.Parse("""
            name: fb-tiers
            input: { type: object }
            steps:
              - id: big
                kind: model
                tier: premium
                prompt: "Premium: ${ input.q }"
              - id: small
                kind: model
                tier: cheap
                prompt: "Cheap: ${ input.q }"
            """, "fb-tiers.yaml");
        var id = await WorkflowStarter.StartAsync(runtime.Host.Client, definition, new JsonObject { ["q"] = "How many moons has Mars?" });
        await runtime.Host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: false);
        var store = runtime.Host.Services.GetRequiredService<IRoutingFeedbackStore>();
        var api = new WorkflowApi(new WorkflowCatalog([]), feedback: store);

        var premiumBad = await api.FeedbackAsync(runtime.Host.Client, id, Body("""{"step": "big", "verdict": "bad"}"""), default, CancellationToken.None);
        var premiumGood = await api.FeedbackAsync(runtime.Host.Client, id, Body("""{"step": "big", "verdict": "good"}"""), default, CancellationToken.None);
        var cheapBad = await api.FeedbackAsync(runtime.Host.Client, id, Body("""{"step": "small", "verdict": "bad"}"""), default, CancellationToken.None);

        Assert.Equal((200, 200, 200), (premiumBad.StatusCode, premiumGood.StatusCode, cheapBad.StatusCode));
        Assert.Equal(
            $$$"""{"run":"{{{id}}}","step":"big","verdict":"bad","tier":"premium","recorded":true,"example":{"cheap_score":0,"premium_score":0}}""",
            premiumBad.Body.ToJsonString());
        Assert.Equal(
            $$$"""{"run":"{{{id}}}","step":"big","verdict":"good","tier":"premium","recorded":false,"example":null,"reason":"a good verdict on a premium answer says nothing about whether the cheap tier would have done, so it keeps no routing example; it replaces any earlier verdict on the step, whose example is removed"}""",
            premiumGood.Body.ToJsonString());
        Assert.Equal(
            $$$"""{"run":"{{{id}}}","step":"small","verdict":"bad","tier":"cheap","recorded":true,"example":{"cheap_score":0,"premium_score":1}}""",
            cheapBad.Body.ToJsonString());
        var examples = new List<Frugal.Models.RoutingFeedback>();
        await foreach (var example in store.ReadExamplesAsync(CancellationToken.None))
        {
            examples.Add(example);
        }

        Assert.Equal("small", Assert.Single(examples).StepId);
    }

    [Fact]
    public async Task Feedback_BadBodies_Answer400NamingEachProblemWhereItIs()
    {
        // Every bad body got "the body must be {...}", which said nothing of what was wrong, and properties the API
        // does not take ("verdit", a misspelt verdict beside a right one) were passed over in silence.
        var dir = Directory.CreateTempSubdirectory("frugal-feedback-");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Frugal:Costs:SqlitePath"] = Path.Combine(dir.FullName, "costs.db"),
            ["Frugal:Routing:Feedback:Enabled"] = "true",
            ["Frugal:Routing:Feedback:Path"] = Path.Combine(dir.FullName, "feedback.db"),
        }).Build();
        await using var runtime = await LocalRuntime.StartAsync(configuration, store: null, TextWriter.Null);
        var definition = WorkflowLoader.Parse("""
            name: fb-bad
            input: { type: object }
            steps:
              - id: plain
                kind: deterministic
                operation: template
                input: hello
            """, "fb-bad.yaml");
        var id = await WorkflowStarter.StartAsync(runtime.Host.Client, definition, new JsonObject());
        await runtime.Host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: false);
        var api = new WorkflowApi(new WorkflowCatalog([]), feedback: runtime.Host.Services.GetRequiredService<IRoutingFeedbackStore>());

        async Task<ApiResult> SendAsync(string body) => await api.FeedbackAsync(runtime.Host.Client, id, Body(body), default, CancellationToken.None);
        var several = await SendAsync("""{"step": 5, "verdict": "meh", "verdit": "bad"}""");
        var missing = await SendAsync("""{"step": ""}""");
        var array = await SendAsync("""["plain", "bad"]""");
        var empty = await SendAsync("");

        Assert.Equal((400, "Invalid feedback"), (several.StatusCode, several.Body["title"]!.GetValue<string>()));
        Assert.Equal(
            ["/step: 'step' must be a text, found 5", "/verdict: 'verdict' cannot be 'meh'; expected one of: good, bad", "/verdit: unknown property 'verdit'; did you mean 'verdict'? Expected one of: step, verdict"],
            Errors(several));
        Assert.Equal(
            """'step' must be a text, found 5; 'verdict' cannot be 'meh'; expected one of: good, bad; unknown property 'verdit'; did you mean 'verdict'? Expected one of: step, verdict (the body must be {"step": "<step id>", "verdict": "good" or "bad"})""",
            several.Body["detail"]!.GetValue<string>());
        Assert.Equal(["/: missing required property 'verdict'", "/step: 'step' must be at least 1 characters long"], Errors(missing));
        Assert.Equal(["/: the body must be an object, found an array"], Errors(array));
        Assert.Equal((400, "Malformed JSON"), (empty.StatusCode, empty.Body["title"]!.GetValue<string>()));
        Assert.Equal("""the request body is empty: send the verdict as JSON, {"step": "<step id>", "verdict": "good" or "bad"}""", empty.Body["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task Feedback_WhenDisabled_AnswersConflictSayingHowToEnable()
    {
        var api = new WorkflowApi(new WorkflowCatalog([]));

        var result = await api.FeedbackAsync(null!, "run", Body("""{"step": "a", "verdict": "bad"}"""), default, CancellationToken.None);

        Assert.Equal(409, result.StatusCode);
        Assert.Contains("Frugal:Routing:Feedback:Enabled", result.Body["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    private static string Azurite => Environment.GetEnvironmentVariable("FRUGAL_TEST_AZURITE") is { Length: > 0 } connection ? connection : "UseDevelopmentStorage=true";

    private static IEnumerable<string> Errors(ApiResult result) =>
        result.Body["errors"]!.AsArray().Select(e => $"{e!["pointer"]}: {e["message"]}");

    private static MemoryStream Body(string json) => new(Encoding.UTF8.GetBytes(json));

    private sealed class TableCleanUp(Azure.Data.Tables.TableClient? table) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            if (table is not null)
            {
                await table.DeleteAsync();
            }
        }
    }
}
