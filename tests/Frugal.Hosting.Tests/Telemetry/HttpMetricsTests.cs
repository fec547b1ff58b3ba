using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using Frugal.Hosting.Api;
using Frugal.Hosting.Telemetry;
using Frugal.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Frugal.Hosting.Tests.Telemetry;

public sealed class HttpMetricsTests
{
    [Fact]
    public async Task UseFrugalHttpMetrics_EndpointThrows_RecordsTheServerErrorTheClientGets()
    {
        // The exception handler around the metric answers 500 after it; the metric read the status before, a 200.
        string route = "/api/broken-" + Guid.NewGuid().ToString("N");
        var statuses = new ConcurrentQueue<object?>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == FrugalTelemetry.SourceName && instrument.Name == "frugal.http.request.duration")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<double>((_, _, tags, _) =>
        {
            var tagged = tags.ToArray().ToDictionary(t => t.Key, t => t.Value);
            if (Equals(tagged["http.route"], route))
            {
                statuses.Enqueue(tagged["http.response.status_code"]);
            }
        });
        listener.Start();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddLoopbackOnly();
        await using var app = builder.Build();
        app.UseLoopbackOnly();
        app.UseFrugalHttpMetrics();
        app.MapGet(route, string () => throw new InvalidOperationException("the ledger is gone"));
        await app.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()) };

        using var response = await http.GetAsync(route);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal(500, Assert.Single(statuses));
    }
}
