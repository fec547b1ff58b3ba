using Frugal.Functions.Runs;
using Frugal.Workflows;
using Microsoft.AspNetCore.Http;

namespace Frugal.Functions.Tests.Runs;

public sealed class RunHttpFunctionsTests(FunctionsHostFixture fixture) : IClassFixture<FunctionsHostFixture>
{
    private readonly RunHttpFunctions _functions = new(fixture.Api);

    [Fact]
    public async Task StartRun_UnknownWorkflow_Returns404Problem()
    {
        var request = HttpTestContext.Request("POST", "{}");

        var (status, type, body, _) = await HttpTestContext.ExecuteAsync(
            await _functions.StartRunAsync(request, fixture.Host.Client, "no-such-flow"), request);

        Assert.Equal(404, status);
        Assert.Equal("application/problem+json", type);
        Assert.Contains("no-such-flow", body!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartRun_MalformedJson_Returns400ProblemWithPosition()
    {
        var request = HttpTestContext.Request("POST", "{\"subject\": \"x\",,}");

        var (status, type, body, _) = await HttpTestContext.ExecuteAsync(
            await _functions.StartRunAsync(request, fixture.Host.Client, "support-triage"), request);

        Assert.Equal(400, status);
        Assert.Equal("application/problem+json", type);
        Assert.Equal("Malformed JSON", body!["title"]!.GetValue<string>());
        Assert.Contains("line 1", body["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartRun_GzipBody_Returns415NamingTheEncoding()
    {
        // The host passes a compressed body on as it came: the JSON reader answered "'0x1F' is an invalid start of a value".
        var request = HttpTestContext.Request("POST");
        request.Body = new MemoryStream(Gzip("""{"subject": "Refund policy", "body": "Can I get a refund?"}"""));
        request.Headers.ContentEncoding = "gzip";

        var (status, type, body, headers) = await HttpTestContext.ExecuteAsync(
            await _functions.StartRunAsync(request, fixture.Host.Client, "support-triage"), request);

        Assert.Equal(415, status);
        Assert.Equal("application/problem+json", type);
        Assert.Equal("the request body came with Content-Encoding 'gzip', which this API does not decode; send the JSON uncompressed, without a Content-Encoding header", body!["detail"]!.GetValue<string>());
        Assert.Equal("identity", headers.AcceptEncoding.ToString());
    }

    [Fact]
    public async Task RunFeedback_GzipBody_Returns415()
    {
        var request = HttpTestContext.Request("POST");
        request.Body = new MemoryStream(Gzip("""{"verdict": "good"}"""));
        request.Headers.ContentEncoding = "gzip";

        var (status, _, _, _) = await HttpTestContext.ExecuteAsync(await _functions.FeedbackAsync(request, fixture.Host.Client, "some-run"), request);

        Assert.Equal(415, status);
    }

    private static byte[] Gzip(string text)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(buffer, System.IO.Compression.CompressionLevel.Fastest))
        {
            gzip.Write(System.Text.Encoding.UTF8.GetBytes(text));
        }

        return buffer.ToArray();
    }

    [Fact]
    public async Task StartRun_MalformedJsonAfterNonAsciiText_GivesThePositionInCharacters()
    {
        // The position was in bytes of UTF-8: the 'x' after nine CJK letters, character 24, read as position 42.
        var request = HttpTestContext.Request("POST", "{\"subject\":\"日本語日本語日本語\" x}");

        var (status, _, body, _) = await HttpTestContext.ExecuteAsync(
            await _functions.StartRunAsync(request, fixture.Host.Client, "support-triage"), request);

        Assert.Equal(400, status);
        Assert.EndsWith("(line 1, position 24)", body!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartRun_BodySentTooSlowly_Returns408ProblemTitledSo()
    {
        // Kestrel's minimum body data rate refuses a body that trickles in with 408; it was titled "Bad request".
        var request = HttpTestContext.Request("POST");
        request.Body = new RefusedBody(new BadHttpRequestException("Reading the request body timed out due to data arriving too slowly. See MinRequestBodyDataRate.", 408));

        var (status, type, body, _) = await HttpTestContext.ExecuteAsync(
            await _functions.StartRunAsync(request, fixture.Host.Client, "support-triage"), request);

        Assert.Equal((408, "application/problem+json"), (status, type));
        Assert.Equal("Request body too slow", body!["title"]!.GetValue<string>());
        Assert.StartsWith("Reading the request body timed out", body["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartRun_BodyOverTheServersLimit_Returns413Problem()
    {
        // The worker's web server refuses a body over its limit while it is read: that was a 500 with no body.
        var request = HttpTestContext.Request("POST");
        request.Body = new RefusedBody();

        var (status, type, body, _) = await HttpTestContext.ExecuteAsync(
            await _functions.StartRunAsync(request, fixture.Host.Client, "support-triage"), request);

        Assert.Equal((413, "application/problem+json"), (status, type));
        Assert.Equal("Request body too large", body!["title"]!.GetValue<string>());
    }

    [Fact]
    public async Task StartRun_TenantHeaderSentTwice_Returns400()
    {
        // ASP.NET Core joined the two into one tenant, "acme,anyone": a gateway that added its header rather than
        // replacing the caller's let every caller make up a tenant with a fresh budget.
        var request = HttpTestContext.Request("POST", """{"subject": "Refund policy", "body": "Can I get a refund?"}""");
        request.Headers["x-frugal-tenant"] = new Microsoft.Extensions.Primitives.StringValues(["acme", "anyone"]);

        var (status, type, body, _) = await HttpTestContext.ExecuteAsync(
            await _functions.StartRunAsync(request, fixture.Host.Client, "support-triage"), request);

        Assert.Equal((400, "application/problem+json"), (status, type));
        Assert.Equal("x-frugal-tenant must be sent once (it came 2 times)", body!["detail"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("""{"subject": "Password reset", "subject": 5, "body": "b"}""", "property 'subject' is given twice in one object; each property may appear once (line 1, position 31)")]
    [InlineData("""{"subject": "\ud800 x", "body": "b"}""", "the string at $.subject is not valid text (it holds a lone UTF-16 surrogate, such as \\ud800 without its pair) (line 1, position 13)")]
    [InlineData("{\"subject\": \"x\",\n \"body\": \"b\", \"meta\": {\"note\": [\"ok\", \"\\udc00\"]}}", "the string at $.meta.note[1] is not valid text (it holds a lone UTF-16 surrogate, such as \\ud800 without its pair) (line 2, position 39)")]
    [InlineData("""{"\ud800": 1, "subject": "x", "body": "b"}""", "a property name in the object at $ is not valid text (it holds a lone UTF-16 surrogate, such as \\ud800 without its pair) (line 1, position 2)")]
    [InlineData("{\"subject\": \"x\",\n \"body\": \"b\", \"meta\": {\"\\udc00\": 1}}", "a property name in the object at $.meta is not valid text (it holds a lone UTF-16 surrogate, such as \\ud800 without its pair) (line 2, position 24)")]
    public async Task StartRun_JsonThatWouldFailInsideTheRun_Returns400(string json, string detail)
    {
        // Both were accepted with 202 before: the run then failed on the repeated key, or the schema check threw (500).
        var request = HttpTestContext.Request("POST", json);

        var (status, type, body, _) = await HttpTestContext.ExecuteAsync(
            await _functions.StartRunAsync(request, fixture.Host.Client, "support-triage"), request);

        Assert.Equal(400, status);
        Assert.Equal("application/problem+json", type);
        Assert.Equal("Malformed JSON", body!["title"]!.GetValue<string>());
        Assert.Contains(detail, body["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartRun_TenantLongerThanATableKeyHolds_Returns400NamingTheHeader()
    {
        // Accepted with 202, a 3,000-character tenant then failed every step: a table ledger's keys hold 1 KiB.
        var request = HttpTestContext.Request("POST", """{"subject": "Refund policy", "body": "Can I get a refund?"}""", tenant: new string('t', 3000));

        var (status, type, body, _) = await HttpTestContext.ExecuteAsync(
            await _functions.StartRunAsync(request, fixture.Host.Client, "support-triage"), request);

        Assert.Equal((400, "application/problem+json"), (status, type));
        Assert.Equal("x-frugal-tenant must be at most 128 characters (was 3000)", body!["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task StartRun_EmptyBody_Returns400SayingItIsEmpty()
    {
        var request = HttpTestContext.Request("POST", "");

        var (status, _, body, _) = await HttpTestContext.ExecuteAsync(
            await _functions.StartRunAsync(request, fixture.Host.Client, "support-triage"), request);

        Assert.Equal(400, status);
        Assert.Equal("the request body is empty: send the run input as JSON", body!["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task StartRun_BodyStartingWithAUtf8ByteOrderMark_StartsTheRun()
    {
        // A file saved by Notepad or PowerShell 5 starts with EF BB BF: frugal run read it, the API answered 400
        // "'0xEF' is an invalid start of a value (line 1, position 1)".
        var request = HttpTestContext.Request("POST");
        request.Body = new MemoryStream([0xEF, 0xBB, 0xBF, .. System.Text.Encoding.UTF8.GetBytes("""{"subject": "Refund policy", "body": "Can I get a refund?"}""")]);

        var (status, _, body, _) = await HttpTestContext.ExecuteAsync(
            await _functions.StartRunAsync(request, fixture.Host.Client, "support-triage"), request);

        Assert.Equal(202, status);
        await fixture.Host.Client.WaitForInstanceCompletionAsync(body!["id"]!.GetValue<string>(), getInputsAndOutputs: false);
    }

    [Fact]
    public async Task StartRun_MalformedJsonAfterAUtf8ByteOrderMark_GivesThePositionAsAnEditorShowsIt()
    {
        var request = HttpTestContext.Request("POST");
        request.Body = new MemoryStream([0xEF, 0xBB, 0xBF, .. System.Text.Encoding.UTF8.GetBytes("{x}")]);

        var (status, _, body, _) = await HttpTestContext.ExecuteAsync(
            await _functions.StartRunAsync(request, fixture.Host.Client, "support-triage"), request);

        Assert.Equal(400, status);
        Assert.EndsWith("(line 1, position 2)", body!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task StartRun_BodyInUtf16_Returns400SayingToSendUtf8(bool bigEndian)
    {
        // Windows PowerShell's Out-File writes UTF-16: the answer was "'0xFF' is an invalid start of a value (line 1, position 1)".
        var request = HttpTestContext.Request("POST");
        request.Body = new MemoryStream(new System.Text.UnicodeEncoding(bigEndian, byteOrderMark: true).GetPreamble()
            .Concat(new System.Text.UnicodeEncoding(bigEndian, byteOrderMark: false).GetBytes("""{"subject": "Refund policy", "body": "Can I get a refund?"}""")).ToArray());

        var (status, type, body, _) = await HttpTestContext.ExecuteAsync(
            await _functions.StartRunAsync(request, fixture.Host.Client, "support-triage"), request);

        Assert.Equal((400, "application/problem+json"), (status, type));
        Assert.Equal(
            "the request body is not valid JSON: it is UTF-16 (it starts with a UTF-16 byte order mark); send the input as UTF-8",
            body!["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task StartRun_InputNestedAsDeeplyAsTheParserTakes_RunsAndItsStatusShowsTheOutput()
    {
        // 64 levels parse and pass the schema, but the run request that carries the input is one level more: the start
        // failed with a 500 and no body ("CurrentDepth (64) is equal to or larger than the maximum allowed depth of 64").
        var folder = Directory.CreateTempSubdirectory("frugal-deep-input-").FullName;
        await File.WriteAllTextAsync(Path.Combine(folder, "echo.yaml"), """
            name: echo
            input: { type: object }
            steps:
              - id: hello
                kind: deterministic
                operation: template
                input: hello
            output:
              deep: ${ input.deep }
            """);
        var functions = new RunHttpFunctions(new Frugal.Api.WorkflowApi(Frugal.Workflows.WorkflowCatalog.LoadFolder(folder)));
        var levels = Frugal.JsonInput.MaxDepth - 1;
        var deep = new string('[', levels) + new string(']', levels);
        var request = HttpTestContext.Request("POST", $$"""{"deep": {{deep}}}""");

        var (status, type, body, _) = await HttpTestContext.ExecuteAsync(await functions.StartRunAsync(request, fixture.Host.Client, "echo"), request);

        Assert.Equal((202, "application/json"), (status, type));
        var id = body!["id"]!.GetValue<string>();
        await fixture.Host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: false);
        var get = HttpTestContext.Request("GET");
        var (getStatus, _, run, _) = await HttpTestContext.ExecuteAsync(await functions.GetRunAsync(get, fixture.Host.Client, id), get);
        Assert.Equal(200, getStatus);
        Assert.Equal("Completed", run!["status"]!.GetValue<string>());
        Assert.Equal(deep, run["output"]!["deep"]!.ToJsonString());
    }

    [Fact]
    public async Task StartRun_InputViolatesSchema_Returns400ListingEveryViolation()
    {
        var request = HttpTestContext.Request("POST", """{"subject": 42, "customer_tier": "gold", "extra": 1}""");

        var (status, type, body, _) = await HttpTestContext.ExecuteAsync(
            await _functions.StartRunAsync(request, fixture.Host.Client, "support-triage"), request);

        Assert.Equal(400, status);
        Assert.Equal("application/problem+json", type);
        var pointers = body!["errors"]!.AsArray().Select(e => e!["pointer"]!.GetValue<string>()).ToList();
        Assert.Contains("/subject", pointers);
        Assert.Contains("/customer_tier", pointers);
        Assert.True(pointers.Count >= 4, string.Join(", ", pointers)); // missing body and the extra property too
    }

    [Theory]
    [InlineData("/api/workflows/support-triage/runs", "?code=k%2Fy%3D%3D", "http://127.0.0.1:7071/api/runs/{0}?code=k%2Fy%3D%3D")]
    [InlineData("/frugal/v1/workflows/support-triage/runs", null, "http://127.0.0.1:7071/frugal/v1/runs/{0}")]
    public async Task StartRun_KeyInTheQueryOrAnotherRoutePrefix_StatusUrlWorksAsGiven(string path, string? query, string expected)
    {
        // The status URL had neither the caller's function key (401 in Azure) nor the host's route prefix.
        var request = HttpTestContext.Request("POST", """{"subject": "Refund policy", "body": "Can I get a refund?"}""", path: path, query: query);

        var (status, _, body, headers) = await HttpTestContext.ExecuteAsync(
            await _functions.StartRunAsync(request, fixture.Host.Client, "support-triage"), request);

        Assert.Equal(202, status);
        var id = body!["id"]!.GetValue<string>();
        Assert.Equal(string.Format(System.Globalization.CultureInfo.InvariantCulture, expected, id), headers.Location.ToString());
        Assert.Equal(headers.Location.ToString(), body["statusQueryGetUri"]!.GetValue<string>());
        await fixture.Host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: false);
    }

    [Fact]
    public async Task StartRun_ValidInput_Returns202AndStatusUrlThatReportsTheOutput()
    {
        var request = HttpTestContext.Request("POST", """{"subject": "Refund policy", "body": "Can I get a refund?"}""", tenant: "acme");

        var (status, _, body, headers) = await HttpTestContext.ExecuteAsync(
            await _functions.StartRunAsync(request, fixture.Host.Client, "support-triage"), request);

        Assert.Equal(202, status);
        var id = body!["id"]!.GetValue<string>();
        Assert.Equal($"http://127.0.0.1:7071/api/runs/{id}", headers.Location.ToString());
        await fixture.Host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: false);

        var get = HttpTestContext.Request("GET", tenant: " ACME");
        var (getStatus, _, run, _) = await HttpTestContext.ExecuteAsync(await _functions.GetRunAsync(get, fixture.Host.Client, id), get);
        Assert.Equal(200, getStatus);
        Assert.Equal("Completed", run!["status"]!.GetValue<string>());
        Assert.Equal("acme", run["tenant"]!.GetValue<string>());
        Assert.Equal("faq", run["output"]!["answered_by"]!.GetValue<string>());
    }

    [Fact]
    public async Task GetRun_RunFailedAtItsSecondStep_SummarisesTheStepsThatFinishedAndTheOneThatFailed()
    {
        // The status of a failed run had its progress and error only; a completed run's has every step's summary.
        var workflow = WorkflowLoader.Parse("""
            name: fails-on-text
            input: { type: object }
            steps:
              - id: greet
                kind: deterministic
                operation: template
                input: hello ${ input.text }
              - id: count
                kind: deterministic
                operation: template
                input: ${ number(steps.greet.output) }
            """, "fails-on-text.yaml");
        var functions = new RunHttpFunctions(new Frugal.Api.WorkflowApi(new WorkflowCatalog([workflow])));
        var start = HttpTestContext.Request("POST", """{"text": "abc"}""");
        var (_, _, body, _) = await HttpTestContext.ExecuteAsync(await functions.StartRunAsync(start, fixture.Host.Client, "fails-on-text"), start);
        var id = body!["id"]!.GetValue<string>();
        await fixture.Host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: false);
        var get = HttpTestContext.Request("GET");

        var (status, _, run, _) = await HttpTestContext.ExecuteAsync(await functions.GetRunAsync(get, fixture.Host.Client, id), get);

        Assert.Equal(200, status);
        Assert.Equal("Failed", run!["status"]!.GetValue<string>());
        var steps = run["steps"]!.AsArray();
        Assert.Equal(["completed:greet", "failed:count"], steps.Select(s => $"{s!["status"]}:{s["stepId"]}"));
        Assert.Equal(1, steps[0]!["tiers"]!["deterministic"]!.GetValue<int>());
        Assert.Equal("step 'count': number() cannot read 'hello abc' as a number", steps[1]!["error"]!.GetValue<string>());
        Assert.Equal(run["error"]!["message"]!.GetValue<string>(), steps[1]!["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task GetRun_UnknownId_Returns404Problem()
    {
        var request = HttpTestContext.Request("GET");

        var (status, type, _, _) = await HttpTestContext.ExecuteAsync(await _functions.GetRunAsync(request, fixture.Host.Client, "nope"), request);

        Assert.Equal(404, status);
        Assert.Equal("application/problem+json", type);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("globex")]
    public async Task GetRun_AnotherTenantsRun_Returns404AsIfItDidNotExist(string? tenant)
    {
        // Function keys say nothing about tenants: anyone holding the key read any tenant's outputs by run id.
        var start = HttpTestContext.Request("POST", """{"subject": "Refund policy", "body": "Can I get a refund?"}""", tenant: "acme");
        var (_, _, body, _) = await HttpTestContext.ExecuteAsync(await _functions.StartRunAsync(start, fixture.Host.Client, "support-triage"), start);
        var id = body!["id"]!.GetValue<string>();
        await fixture.Host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: false);
        var request = HttpTestContext.Request("GET", tenant: tenant);

        var (status, type, problem, _) = await HttpTestContext.ExecuteAsync(await _functions.GetRunAsync(request, fixture.Host.Client, id), request);

        Assert.Equal(404, status);
        Assert.Equal("application/problem+json", type);
        Assert.Equal($"no run with id '{id}'", problem!["detail"]!.GetValue<string>());
    }

    private sealed class RefusedBody(BadHttpRequestException? refusal = null) : MemoryStream
    {
        private readonly BadHttpRequestException _refusal = refusal
            ?? new BadHttpRequestException("Request body too large. The max request body size is 31457280 bytes.", 413);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => throw _refusal;

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => throw _refusal;
    }
}
