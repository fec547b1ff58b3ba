using System.Text;
using System.Text.Json.Nodes;
using Frugal.Api;
using Frugal.Cli.Local;
using Frugal.Engine;
using Frugal.Routing.Feedback;
using Frugal.Workflows;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Frugal.Hosting.Tests.Engine;

/// <summary>The production feedback loop: escalations and user verdicts become labelled routing examples.</summary>
public sealed class RoutingFeedbackTests
{
    [Theory]
    [InlineData("default", 2)]
    [InlineData("someone-else", 0)]
    public async Task Feedback_EscalationAndUserVerdict_BecomeLabelledExamplesOfTenantsWhoseTextMayBeKept(string textTenant, int kept)
    {
        // The loop keeps prompt text; it kept every tenant's, whatever Frugal:Costs:StoreTextForTenants said.
        var dir = Directory.CreateTempSubdirectory("frugal-feedback-");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Frugal:Costs:SqlitePath"] = Path.Combine(dir.FullName, "costs.db"),
            ["Frugal:Routing:Feedback:Enabled"] = "true",
            ["Frugal:Costs:StoreTextForTenants:0"] = textTenant,
            ["Frugal:Routing:Feedback:Path"] = Path.Combine(dir.FullName, "feedback.db"),
        }).Build();
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
        var store = runtime.Host.Services.GetRequiredService<SqliteRoutingFeedbackStore>();
        var api = new WorkflowApi(new WorkflowCatalog([]), feedback: store);

        var marked = await api.FeedbackAsync(id, Body("""{"step": "plain", "verdict": "bad"}"""), CancellationToken.None);
        var unknown = await api.FeedbackAsync(id, Body("""{"step": "nope", "verdict": "bad"}"""), CancellationToken.None);
        var invalid = await api.FeedbackAsync(id, Body("""{"step": "plain", "verdict": "meh"}"""), CancellationToken.None);
        var notAnObject = await api.FeedbackAsync(id, Body("""["plain", "bad"]"""), CancellationToken.None); // threw (500) before

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
    public async Task Feedback_WhenDisabled_AnswersConflictSayingHowToEnable()
    {
        var api = new WorkflowApi(new WorkflowCatalog([]));

        var result = await api.FeedbackAsync("run", Body("""{"step": "a", "verdict": "bad"}"""), CancellationToken.None);

        Assert.Equal(409, result.StatusCode);
        Assert.Contains("Frugal:Routing:Feedback:Enabled", result.Body["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    private static MemoryStream Body(string json) => new(Encoding.UTF8.GetBytes(json));
}
