using Frugal.Api;
using Frugal.Budgets;
using Frugal.Costs;
using Frugal.Functions.Runs;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Frugal.Functions.Tests.Runs;

/// <summary>New runs of a tenant whose budget is spent (402) or who is over its tokens per minute (429).</summary>
public sealed class RunBudgetTests(FunctionsHostFixture fixture) : IClassFixture<FunctionsHostFixture>
{
    [Fact]
    public async Task StartRun_TenantBudgetSpentWithRefuse_Returns402WithBudgetAndSpend()
    {
        var options = new BudgetOptions { Action = BudgetAction.Refuse };
        options.Tenants["acme"] = new TenantBudgetOptions { Monthly = 0m };
        var functions = new RunHttpFunctions(new WorkflowApi(fixture.Catalog, Guard(options)));
        var request = HttpTestContext.Request("POST", ValidInput, tenant: "acme");

        var (status, type, body, _) = await HttpTestContext.ExecuteAsync(
            await functions.StartRunAsync(request, fixture.Host.Client, "support-triage"), request);

        Assert.Equal(402, status);
        Assert.Equal("application/problem+json", type);
        Assert.Equal("Monthly budget spent", body!["title"]!.GetValue<string>());
        Assert.Equal(0m, body["budget"]!.GetValue<decimal>());
        Assert.Equal(0m, body["spent"]!.GetValue<decimal>());
        Assert.Contains("Frugal:Budgets:Tenants:acme:Monthly", body["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartRun_TenantOverTokensPerMinute_Returns429WithRetryAfter()
    {
        var options = new BudgetOptions();
        options.Tenants["acme"] = new TenantBudgetOptions { TokensPerMinute = 10 };
        var guard = Guard(options);
        await guard.AcquireTokensAsync("acme", 50, CancellationToken.None);
        var functions = new RunHttpFunctions(new WorkflowApi(fixture.Catalog, guard));
        var request = HttpTestContext.Request("POST", ValidInput, tenant: "acme");

        var (status, type, body, headers) = await HttpTestContext.ExecuteAsync(
            await functions.StartRunAsync(request, fixture.Host.Client, "support-triage"), request);

        Assert.Equal(429, status);
        Assert.Equal("application/problem+json", type);
        Assert.Equal("30", headers.RetryAfter.ToString()); // the seconds to the next minute
        Assert.Equal(50, body!["tokensThisMinute"]!.GetValue<int>());
        Assert.Contains("retry after 30 s", body["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ACME")]
    [InlineData("Acme ")]
    public async Task StartRun_TenantSpelledOtherwise_IsTheSameTenantAndRefusedToo(string spelling)
    {
        // Budgets are configured under case-blind keys, but counters and ledger compared tenants exactly: once 'acme'
        // was refused, 'ACME' and 'Acme' each spent the whole budget again.
        var options = new BudgetOptions { Action = BudgetAction.Refuse };
        options.Tenants["acme"] = new TenantBudgetOptions { Monthly = 0.001m };
        var guard = Guard(options);
        var spent = await guard.ReserveAsync(new Frugal.Models.FrugalChatContext("run-1", "support-triage", "acme", "answer", 1, "premium"), BudgetGuard.ToNano(0.002m), canDowngrade: false, CancellationToken.None);
        await guard.SettleAsync(spent, BudgetGuard.ToNano(0.002m));
        var functions = new RunHttpFunctions(new WorkflowApi(fixture.Catalog, guard));
        var request = HttpTestContext.Request("POST", ValidInput, tenant: spelling);

        var (status, _, body, _) = await HttpTestContext.ExecuteAsync(
            await functions.StartRunAsync(request, fixture.Host.Client, "support-triage"), request);

        Assert.Equal(402, status);
        Assert.Equal(0.002m, body!["spent"]!.GetValue<decimal>());
        Assert.Equal("acme", Frugal.Engine.WorkflowRunRequest.TenantOrDefault(spelling));
    }

    [Fact]
    public async Task StartRun_BudgetStoreUnreachable_Returns503WithoutTheStoresAddressOrItsClientsWords()
    {
        // The answer quoted the store's exception: its host and port, the setting that holds its connection string and
        // the Redis client's own diagnostics, told to whoever held a function key (a tenant behind the gateway).
        var port = FreePort();
        await using var store = new RedisBudgetStore($"127.0.0.1:{port},connectTimeout=200,syncTimeout=500,asyncTimeout=500");
        var options = new BudgetOptions { Action = BudgetAction.Refuse };
        options.Tenants["acme"] = new TenantBudgetOptions { Monthly = 10m };
        var guard = new BudgetGuard(Options.Create(options), store, PriceTable.LoadDefault(), TimeProvider.System);
        var functions = new RunHttpFunctions(new WorkflowApi(fixture.Catalog, guard));
        var request = HttpTestContext.Request("POST", ValidInput, tenant: "acme");

        var (status, type, body, _) = await HttpTestContext.ExecuteAsync(
            await functions.StartRunAsync(request, fixture.Host.Client, "support-triage"), request);

        Assert.Equal(503, status);
        Assert.Equal("application/problem+json", type);
        Assert.Equal("Budget store unavailable", body!["title"]!.GetValue<string>());
        Assert.Equal(
            "the budget store did not answer, so whether tenant 'acme' may spend is not known: nothing was started; try again later (the service's log says why)",
            body["detail"]!.GetValue<string>());
        Assert.DoesNotContain(port.ToString(System.Globalization.CultureInfo.InvariantCulture), body.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain("RedisConnectionString", body.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartRun_InputTheSchemaRefusesFromATenantOverBudget_Returns400ListingTheViolations()
    {
        // The budget was checked first: a tenant over budget was told to wait (402, or 429 with Retry-After) and, once
        // let in, that its input never could run.
        var options = new BudgetOptions { Action = BudgetAction.Refuse };
        options.Tenants["acme"] = new TenantBudgetOptions { Monthly = 0m };
        var functions = new RunHttpFunctions(new WorkflowApi(fixture.Catalog, Guard(options)));
        var request = HttpTestContext.Request("POST", """{"subject": ""}""", tenant: "acme");

        var (status, type, body, _) = await HttpTestContext.ExecuteAsync(
            await functions.StartRunAsync(request, fixture.Host.Client, "support-triage"), request);

        Assert.Equal(400, status);
        Assert.Equal("application/problem+json", type);
        Assert.Equal("Input does not match the workflow's input schema", body!["title"]!.GetValue<string>());
        Assert.Equal(["/", "/subject"], body["errors"]!.AsArray().Select(e => e!["pointer"]!.GetValue<string>()).Order().ToArray());
    }

    [Fact]
    public async Task RunFromQueue_InputTheSchemaRefusesFromATenantOverTokensPerMinute_GoesToPoisonAtOnceWithTheViolations()
    {
        // The budget was checked first: over its tokens per minute, the job was failed to be delivered again 30 s later,
        // five times, then poisoned by the host without the schema's reason.
        var options = new BudgetOptions();
        options.Tenants["acme"] = new TenantBudgetOptions { TokensPerMinute = 10 };
        var guard = Guard(options);
        await guard.AcquireTokensAsync("acme", 50, CancellationToken.None);
        var function = new RunQueueFunction(fixture.Catalog, Microsoft.Extensions.Logging.Abstractions.NullLogger<RunQueueFunction>.Instance, guard);
        var message = """{"workflow": "support-triage", "tenant": "acme", "input": {"subject": 1}}""";

        var poison = await function.RunAsync(message, fixture.Host.Client, TestFunctionContext.QueueMessage(Guid.NewGuid().ToString()), CancellationToken.None);

        Assert.NotNull(poison);
        Assert.StartsWith("input does not match the input schema of 'support-triage'", System.Text.Json.Nodes.JsonNode.Parse(poison)!["reason"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    private const string ValidInput = """{"subject": "Hi", "body": "Hi"}""";

    private static int FreePort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>
    /// A guard on a clock that stands still mid-minute: on the real clock, a minute (or a month) that ended between the
    /// test's spending and the run it then started put the two in different windows, and the run was let in.
    /// </summary>
    private static BudgetGuard Guard(BudgetOptions options)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 5, 10, 0, 30, TimeSpan.Zero));
        return new(Options.Create(options), new InMemoryBudgetStore(time), PriceTable.LoadDefault(), time);
    }
}
