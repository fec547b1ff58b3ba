using System.Net;
using System.Text.Json;
using Frugal.Costs;
using Frugal.Hosting.Costs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Frugal.Hosting.Tests.Costs;

public sealed class CostReportEndpointsTests : IAsyncLifetime, IDisposable
{
    private readonly CostLedgerFixture _ledger = new();
    private WebApplication? _app;
    private HttpClient? _client;

    [Fact]
    public async Task Report_ByTenantJson_ReturnsGroups()
    {
        using var response = await _client!.GetAsync(new Uri("/api/costs/report?by=tenant&since=2025-06-01&until=2025-06-30", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(["acme", "globex"], json.RootElement.GetProperty("groups").EnumerateArray().Select(g => g.GetProperty("key").GetString()));
    }

    [Theory]
    [InlineData("csv", "text/csv", "group,runs,")]
    [InlineData("html", "text/html", "<!DOCTYPE html>")]
    public async Task Report_OtherFormats_ReturnContentType(string format, string contentType, string start)
    {
        using var response = await _client!.GetAsync(new Uri("/api/costs/report?format=" + format, UriKind.Relative));

        Assert.Equal(contentType, response.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith(start, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Report_FunctionKeyAndArgumentsSpeltInCapitals_AreTaken()
    {
        // The Functions app's key comes as ?code=; query-string names are matched ignoring case, as ASP.NET Core does.
        using var response = await _client!.GetAsync(new Uri("/api/costs/report?code=k&By=tenant&Tenant=acme", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(["acme"], json.RootElement.GetProperty("groups").EnumerateArray().Select(g => g.GetProperty("key").GetString()));
    }

    [Theory]
    [InlineData("by=colour", "by: 'colour' is not one of workflow, tenant, model, tier, step")]
    [InlineData("format=table", "format: 'table' is not one of json, csv, html")]
    [InlineData("since=soon", "since: 'soon' is not a date")]
    [InlineData("until=9999-12-31", "until: '9999-12-31' is outside the times a report covers, 1970-01-01 to 9000-01-01")]
    [InlineData("since=1600-01-01", "since: '1600-01-01' is outside the times a report covers")]
    [InlineData("since=2026-12-06&until=2026-12-01", "since '2026-12-06' is not before until '2026-12-01': the period would run from 2026-12-06 00:00:00 to 2026-12-02 00:00:00 UTC")]
    [InlineData("tennant=acme&format=csv", "tennant: not an argument of the cost report (it takes by, since, until, tenant, workflow, format)")]
    [InlineData("by=tenant&from=2025-06-01", "from: not an argument of the cost report")]
    [InlineData("tenant=acme&tenant=globex", "tenant: given 2 times ('acme', 'globex'); give it once")]
    [InlineData("by=tenant&By=model&workflow=a&workflow=b", "by: given 2 times ('tenant', 'model'); give it once; workflow: given 2 times ('a', 'b'); give it once")]
    [InlineData("tenant=a%09b", "tenant: must not contain control characters")]
    public async Task Report_BadArgument_Returns400NamingIt(string query, string message)
    {
        using var response = await _client!.GetAsync(new Uri("/api/costs/report?" + query, UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(message, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Report_TenantFilterLongerThanATenantCanBe_Returns400RatherThanAnEmptyReport()
    {
        // No run can have such a tenant (x-frugal-tenant is refused past 128 characters): the answer was 200 with nothing spent.
        using var response = await _client!.GetAsync(new Uri("/api/costs/report?tenant=" + new string('a', 200), UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("tenant: must be at most 128 characters (was 200)", json.RootElement.GetProperty("detail").GetString());
    }

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddSingleton<ICostLedger>(new SqliteCostLedger(_ledger.Path));
        _app = builder.Build();
        _app.MapFrugalCostReports();
        await _app.StartAsync();
        string address = _app.Urls.First();
        _client = new HttpClient { BaseAddress = new Uri(address) };
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    public void Dispose()
    {
        _client?.Dispose();
        _ledger.Dispose();
    }
}
