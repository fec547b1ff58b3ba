using System.Net;
using Frugal.Api;
using Frugal.Costs;
using Frugal.Hosting.Api;
using Frugal.Hosting.Costs;
using Frugal.Hosting.Tests.Costs;
using Frugal.Workflows;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Frugal.Hosting.Tests.Api;

/// <summary>HEAD on the GET routes <c>frugal serve</c> maps.</summary>
[Collection(LocalHostGroup.Name)]
public sealed class HeadRequestTests(LocalHostFixture fixture)
{
    [Theory]
    [InlineData("/api/workflows")]
    [InlineData("/api/runs/no-such-run")]
    [InlineData("/api/costs/report?format=csv")]
    [InlineData("/api/costs/report?by=colour")]
    public async Task Head_GetRoute_AnswersAsGetWithoutABody(string path)
    {
        // HEAD was a 405 on every route, where ASP.NET Core and the Functions host answer it as GET without the body.
        using var ledger = new CostLedgerFixture();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddSingleton(WorkflowCatalog.LoadFolder(Path.Combine(RepoPaths.Root, "workflows")));
        builder.Services.AddSingleton<WorkflowApi>();
        builder.Services.AddSingleton(fixture.Runtime.Host.Client);
        builder.Services.AddSingleton<ICostLedger>(new SqliteCostLedger(ledger.Path));
        await using var app = builder.Build();
        app.UseLoopbackOnly();
        app.MapFrugalRunApi();
        app.MapFrugalCostReports();
        await app.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()) };

        using var get = await http.GetAsync(new Uri(path, UriKind.Relative));
        using var head = await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, new Uri(path, UriKind.Relative)));

        Assert.Equal(get.StatusCode, head.StatusCode);
        Assert.NotEqual(HttpStatusCode.MethodNotAllowed, head.StatusCode);
        Assert.Equal(get.Content.Headers.ContentType?.MediaType, head.Content.Headers.ContentType?.MediaType);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
        Assert.NotEmpty(await get.Content.ReadAsByteArrayAsync());
    }
}
