using Frugal.Costs;
using Frugal.Functions.Costs;
using Frugal.Functions.Tests.Runs;
using Microsoft.AspNetCore.Http;

namespace Frugal.Functions.Tests.Costs;

public sealed class CostReportFunctionTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), "frugal-fn-report-" + Guid.NewGuid().ToString("N") + ".db");
    private readonly SqliteCostLedger _ledger;

    public CostReportFunctionTests()
    {
        _ledger = new SqliteCostLedger(_path);
        var at = new DateTimeOffset(2025, 6, 1, 10, 0, 0, TimeSpan.Zero);
        _ledger.AppendAsync(
        [
            new CostRecord { RunId = "r1", Workflow = "support", StepId = "a", Tenant = "acme", Dollars = 0.02m, StartedAt = at, CompletedAt = at },
            new CostRecord { RunId = "r2", Workflow = "digest", StepId = "a", Tenant = "globex", Dollars = 0.01m, StartedAt = at, CompletedAt = at },
        ], CancellationToken.None).GetAwaiter().GetResult();
    }

    [Fact]
    public async Task CostReport_ByTenant_ReturnsJsonGroups()
    {
        var request = HttpTestContext.Request("GET");
        request.QueryString = new QueryString("?by=tenant&since=2025-06-01&until=2025-06-30");

        var (status, type, body, _) = await HttpTestContext.ExecuteAsync(
            await new CostReportFunction(_ledger, TimeProvider.System).GetAsync(request), request);

        Assert.Equal(200, status);
        Assert.StartsWith("application/json", type, StringComparison.Ordinal);
        Assert.Equal(["acme", "globex"], body!["groups"]!.AsArray().Select(g => g!["key"]!.GetValue<string>()));
    }

    [Fact]
    public async Task CostReport_MisspeltFilter_Returns400NamingIt()
    {
        // ?tennant=acme was ignored, and the answer was every tenant's spend; the function key (?code=) is taken.
        var request = HttpTestContext.Request("GET");
        request.QueryString = new QueryString("?code=key&by=tenant&tennant=acme");

        var (status, _, body, _) = await HttpTestContext.ExecuteAsync(
            await new CostReportFunction(_ledger, TimeProvider.System).GetAsync(request), request);

        Assert.Equal(400, status);
        Assert.Equal("tennant: not an argument of the cost report (it takes by, since, until, tenant, workflow, format)", body!["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task CostReport_FilterGivenTwice_Returns400RatherThanAnEmptyReport()
    {
        // The two were joined into one tenant, "acme,globex", and the answer was 200 with nothing spent.
        var request = HttpTestContext.Request("GET");
        request.QueryString = new QueryString("?code=key&by=tenant&tenant=acme&tenant=globex");

        var (status, type, body, _) = await HttpTestContext.ExecuteAsync(
            await new CostReportFunction(_ledger, TimeProvider.System).GetAsync(request), request);

        Assert.Equal((400, "application/problem+json"), (status, type));
        Assert.Equal("tenant: given 2 times ('acme', 'globex'); give it once", body!["detail"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("?by=tenant&since=2025-06-01&until=2025-06-30", 200)]
    [InlineData("?by=tenant&since=2025-06-01&until=2025-06-30&tenant=acme", 200)]
    [InlineData("?by=tenant&since=2025-06-01&until=2025-06-30&tenant=globex", 403)]
    public async Task CostReport_CallerOfATenant_SeesOnlyItsOwnCosts(string query, int expected)
    {
        // Any holder of the function key read every tenant's spend; a tenant's gateway sets x-frugal-tenant.
        var request = HttpTestContext.Request("GET", tenant: " ACME");
        request.QueryString = new QueryString(query);

        var (status, _, body, _) = await HttpTestContext.ExecuteAsync(
            await new CostReportFunction(_ledger, TimeProvider.System).GetAsync(request), request);

        Assert.Equal(expected, status);
        if (expected == 200)
        {
            Assert.Equal(["acme"], body!["groups"]!.AsArray().Select(g => g!["key"]!.GetValue<string>()));
        }
        else
        {
            Assert.Equal("tenant 'globex' is not the caller's tenant ('acme', from x-frugal-tenant)", body!["detail"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task CostReport_TenantHeaderSentTwice_Returns400()
    {
        var request = HttpTestContext.Request("GET");
        request.Headers["x-frugal-tenant"] = new Microsoft.Extensions.Primitives.StringValues(["acme", "globex"]);

        var (status, _, body, _) = await HttpTestContext.ExecuteAsync(
            await new CostReportFunction(_ledger, TimeProvider.System).GetAsync(request), request);

        Assert.Equal(400, status);
        Assert.Equal("x-frugal-tenant must be sent once (it came 2 times)", body!["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task CostReport_BadArgument_Returns400NamingIt()
    {
        var request = HttpTestContext.Request("GET");
        request.QueryString = new QueryString("?by=colour");

        var (status, type, body, _) = await HttpTestContext.ExecuteAsync(
            await new CostReportFunction(_ledger, TimeProvider.System).GetAsync(request), request);

        Assert.Equal(400, status);
        Assert.Equal("application/problem+json", type);
        Assert.Contains("by: 'colour' is not one of workflow, tenant, model", body!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _ledger.Dispose();
        File.Delete(_path);
    }
}
