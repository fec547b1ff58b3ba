using System.Net;

namespace Frugal.Inference.Tests.Api;

[Collection(RunningService.Name)]
public sealed class HealthAndMetricsTests(ServiceFixture service)
{
    [Fact]
    public async Task Healthz_Loaded_ReportsCpuProviderAndModels()
    {
        using var response = await service.Client.GetAsync(new Uri("/healthz", UriKind.Relative));

        var body = await response.ReadJsonAsync();
        Assert.Equal("ready", body.GetProperty("status").GetString());
        Assert.Equal("CPU", body.GetProperty("provider").GetString());
        var models = body.GetProperty("models").EnumerateArray().Select(m => m.GetProperty("name").GetString()).ToList();
        Assert.Equal(["all-MiniLM-L6-v2", "urgency", "topic", "default"], models);
    }

    [Fact]
    public async Task Metrics_AfterARequest_ExposesBatchQueueInferenceTokenAndUtilisationSeries()
    {
        using (await service.Client.PostJsonAsync("/v1/embeddings", new { input = new[] { "one", "two" } }))
        {
        }

        using var response = await service.Client.GetAsync(new Uri("/metrics", UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("frugal_inference_batch_size_bucket{", text, StringComparison.Ordinal);
        Assert.Contains("frugal_inference_queue_wait_seconds_bucket{", text, StringComparison.Ordinal);
        Assert.Contains("frugal_inference_duration_seconds_bucket{", text, StringComparison.Ordinal);
        Assert.Contains("frugal_inference_tokens_total{", text, StringComparison.Ordinal);
        Assert.Contains("frugal_inference_utilization{", text, StringComparison.Ordinal);
    }
}
