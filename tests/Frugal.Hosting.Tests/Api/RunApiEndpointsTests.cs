using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Frugal.Api;
using Frugal.Hosting.Api;
using Frugal.Workflows;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Frugal.Hosting.Tests.Api;

/// <summary>The HTTP API as <c>frugal serve</c> maps it, over a real local durable host.</summary>
[Collection(LocalHostGroup.Name)]
public sealed class RunApiEndpointsTests(LocalHostFixture fixture)
{
    [Fact]
    public async Task Api_StartThenPoll_ReturnsAcceptedThenTheCompletedOutput()
    {
        await using var app = await StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(Address(app)) };

        using var start = await http.PostAsync("/api/workflows/support-triage/runs", Json("""{"subject": "Dark mode?", "body": "Is there a dark mode?"}"""));
        Assert.Equal(HttpStatusCode.Accepted, start.StatusCode);
        var accepted = await start.Content.ReadFromJsonAsync<JsonObject>();
        var statusUrl = accepted!["statusQueryGetUri"]!.GetValue<string>();
        Assert.Equal(statusUrl, start.Headers.Location!.ToString());

        var status = await PollAsync(http, statusUrl);

        Assert.Equal("Completed", status!["status"]!.GetValue<string>());
        Assert.Equal("cheap", status["output"]!["answered_by"]!.GetValue<string>());
        Assert.Equal(4, status["steps"]!.AsArray().Count);
    }

    [Fact]
    public async Task Api_RunFailsAtItsSecondStep_StatusSummarisesItsStepsAsACompletedRunsDoes()
    {
        // A failed run's status had only its progress and error: which steps had finished, and which failed, was not said.
        await using var app = await StartAsync(new WorkflowCatalog([FailsOnText]));
        using var http = new HttpClient { BaseAddress = new Uri(Address(app)) };

        var completed = await RunAsync(http, """{"text": "12"}""");
        var failed = await RunAsync(http, """{"text": "abc"}""");

        Assert.Equal("Completed", completed["status"]!.GetValue<string>());
        Assert.Equal("Failed", failed["status"]!.GetValue<string>());
        Assert.Equal("""{"completedSteps":2,"totalSteps":4}""", failed["progress"]!.ToJsonString());
        var steps = failed["steps"]!.AsArray();
        Assert.Equal(["skipped:maybe", "completed:greet", "failed:count"], steps.Select(s => $"{s!["status"]}:{s["stepId"]}"));
        var fields = completed["steps"]!.AsArray()[0]!.AsObject().Select(f => f.Key).ToList(); // a completed run's, read alike
        Assert.Equal(fields, steps[1]!.AsObject().Select(f => f.Key));
        Assert.Equal([.. fields, "error"], steps[2]!.AsObject().Select(f => f.Key));
        Assert.Equal("deterministic", steps[1]!["kind"]!.GetValue<string>());
        Assert.Equal(1, steps[1]!["tiers"]!["deterministic"]!.GetValue<int>());
        var count = steps[2]!.AsObject();
        Assert.Equal("step 'count': number() cannot read 'abc' as a number", count["error"]!.GetValue<string>());
        Assert.Equal(count["error"]!.GetValue<string>(), failed["error"]!["message"]!.GetValue<string>());
        Assert.Equal(1, count["attempts"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("/api/workflows/nope/runs", "{}", 404)]
    [InlineData("/api/workflows/support-triage/runs", "{not json", 400)]
    [InlineData("/api/workflows/support-triage/runs", "{\"subject\": 1}", 400)]
    public async Task Api_BadRequests_AnswerWithProblemJson(string path, string body, int status)
    {
        await using var app = await StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(Address(app)) };

        using var response = await http.PostAsync(path, Json(body));

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task Api_PropertyNameOfBytesThatAreNotUtf8_Answers400NamingTheObjectAndWhereTheNameIs()
    {
        // A name in Latin-1 ("subjéct" as 73 75 62 6A E9 63 74) was decoded only after the parse, and the answer was a 500.
        await using var app = await StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(Address(app)) };
        using var content = new ByteArrayContent([.. "{\"body\": \"b\", \"x\": {\"subj"u8, 0xE9, .. "ct\": \"a\"}}"u8]);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");

        using var response = await http.PostAsync("/api/workflows/support-triage/runs", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(
            "the request body is not valid JSON: a property name in the object at $.x is not valid text (it holds bytes that are not UTF-8; send the input as UTF-8) (line 1, position 21)",
            (await response.Content.ReadFromJsonAsync<JsonObject>())!["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task Api_StringWithALoneSurrogateOnALaterLine_Answers400SayingWhereTheStringIs()
    {
        // The string was named by its path, but the 400 said nothing of where it was, unlike every other JSON error.
        await using var app = await StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(Address(app)) };

        using var response = await http.PostAsync("/api/workflows/support-triage/runs", Json("{\"subject\": \"a\",\n \"body\": \"b\", \"tags\": [\"ok\", \"x\\ud800\"]}"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(
            "the request body is not valid JSON: the string at $.tags[1] is not valid text (it holds a lone UTF-16 surrogate, such as \\ud800 without its pair) (line 2, position 30)",
            (await response.Content.ReadFromJsonAsync<JsonObject>())!["detail"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("/api/workflows/support-triage/runs", "gzip", "gzip")]
    [InlineData("/api/runs/some-run/feedback", "br", "br")]
    [InlineData("/api/workflows/support-triage/runs", "identity, gzip", "gzip")]
    public async Task Api_CompressedBody_Answers415NamingTheEncoding(string path, string encoding, string named)
    {
        // It answered 400 "'0x1F' is an invalid start of a value": the compressed bytes went to the JSON reader.
        await using var app = await StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(Address(app)) };
        using var buffer = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(buffer, System.IO.Compression.CompressionLevel.Fastest))
        {
            gzip.Write(Encoding.UTF8.GetBytes("""{"subject": "Refund policy", "body": "Can I get a refund?"}"""));
        }

        using var content = new ByteArrayContent(buffer.ToArray());
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        foreach (var coding in encoding.Split(", "))
        {
            content.Headers.ContentEncoding.Add(coding);
        }

        using var response = await http.PostAsync(path, content);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(
            $"the request body came with Content-Encoding '{named}', which this API does not decode; send the JSON uncompressed, without a Content-Encoding header",
            (await response.Content.ReadFromJsonAsync<JsonObject>())!["detail"]!.GetValue<string>());
        Assert.Equal("identity", string.Join(",", response.Headers.GetValues("Accept-Encoding")));
    }

    [Fact]
    public async Task Api_IdentityEncoding_IsReadAsNoEncoding()
    {
        await using var app = await StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(Address(app)) };
        using var content = Json("""{"subject": "Dark mode?", "body": "Is there a dark mode?"}""");
        content.Headers.ContentEncoding.Add("identity");

        using var response = await http.PostAsync("/api/workflows/support-triage/runs", content);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Fact]
    public async Task Api_BodyOverTheServersLimit_AnswersWithProblemJson()
    {
        // Kestrel refuses the body while the API reads it; that was an empty 413 logged as an unhandled exception.
        await using var app = await StartAsync(maxRequestBodySize: 1024);
        using var http = new HttpClient { BaseAddress = new Uri(Address(app)) };

        using var response = await http.PostAsync("/api/workflows/support-triage/runs", Json($$"""{"subject": "Big", "body": "{{new string('x', 4096)}}"}"""));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("Request body too large", (await response.Content.ReadFromJsonAsync<JsonObject>())!["title"]!.GetValue<string>());
    }

    [Fact]
    public async Task Api_ServerFailure_AnswersWithProblemJsonNamingIt()
    {
        // An exception no endpoint handled was an empty 500.
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddLoopbackOnly();
        await using var app = builder.Build();
        app.UseLoopbackOnly();
        app.MapGet("/api/broken", string () => throw new InvalidOperationException("the ledger is gone"));
        await app.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(Address(app)) };

        using var response = await http.GetAsync("/api/broken");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(
            "GET /api/broken failed: the ledger is gone; the server's log has the details",
            (await response.Content.ReadFromJsonAsync<JsonObject>())!["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task Api_ListWorkflows_ShowsNamesAndVersions()
    {
        await using var app = await StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(Address(app)) };

        var list = await http.GetFromJsonAsync<JsonArray>("/api/workflows");

        Assert.Contains(list!, w => w!["name"]!.GetValue<string>() == "support-triage" && w["version"]!.GetValue<string>().Length == 64);
    }

    /// <summary>Four steps: 'count' fails after 'greet' on text that is not a number, while 'shout' waits on it and 'maybe' is skipped.</summary>
    internal static readonly WorkflowDefinition FailsOnText = WorkflowLoader.Parse("""
        name: fails-on-text
        input: { type: object }
        steps:
          - id: greet
            kind: deterministic
            operation: template
            input: hello ${ input.text }
          - id: count
            kind: deterministic
            needs: [greet]
            operation: template
            input: ${ number(input.text) + 1 }
          - id: shout
            kind: deterministic
            operation: template
            input: ${ upper(steps.count.output) }
          - id: maybe
            kind: deterministic
            when: ${ false }
            operation: template
            input: never
        """, "fails-on-text.yaml");

    private static async Task<JsonObject> RunAsync(HttpClient http, string input)
    {
        using var start = await http.PostAsync("/api/workflows/fails-on-text/runs", Json(input));
        var statusUrl = (await start.Content.ReadFromJsonAsync<JsonObject>())!["statusQueryGetUri"]!.GetValue<string>();
        return await PollAsync(http, statusUrl);
    }

    /// <summary>
    /// Polls a run's status until it is no longer pending or running, for at most two minutes: bounded by a count of
    /// polls (200 and 400 of 50 ms), a run on a loaded CI machine could be read while it was still going.
    /// </summary>
    private static async Task<JsonObject> PollAsync(HttpClient http, string statusUrl)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        JsonObject? status = null;
        while (status?["status"]?.GetValue<string>() is null or "Running" or "Pending")
        {
            await Task.Delay(50, timeout.Token);
            status = await http.GetFromJsonAsync<JsonObject>(statusUrl, timeout.Token);
        }

        return status;
    }

    private async Task<WebApplication> StartAsync(WorkflowCatalog? catalog = null, long? maxRequestBodySize = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        if (maxRequestBodySize is { } limit)
        {
            builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = limit);
        }

        builder.Services.AddSingleton(catalog ?? WorkflowCatalog.LoadFolder(Path.Combine(RepoPaths.Root, "workflows")));
        builder.Services.AddSingleton<WorkflowApi>();
        builder.Services.AddSingleton(fixture.Runtime.Host.Client);
        var app = builder.Build();
        app.MapFrugalRunApi();
        await app.StartAsync();
        return app;
    }

    private static string Address(WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");
}
