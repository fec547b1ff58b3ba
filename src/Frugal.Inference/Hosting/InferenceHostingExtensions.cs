using Frugal.Onnx.Batching;
using Frugal.Onnx.Embeddings;
using Frugal.Onnx.Models;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace Frugal.Inference.Hosting;

/// <summary>Registers the inference app's options, models and telemetry.</summary>
internal static class InferenceHostingExtensions
{
    public static WebApplicationBuilder AddInferenceOptions(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<InferenceOptions>().BindConfiguration(InferenceOptions.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<InferenceOptions>, SettingRulesValidator<InferenceOptions>>();
        builder.Services.AddSingleton<IValidateOptions<InferenceOptions>, InferenceOptionsValidator>();
        return builder;
    }

    public static WebApplicationBuilder AddOnnxModels(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<OnnxOptions>().BindConfiguration(OnnxOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<OnnxOptions>, SettingRulesValidator<OnnxOptions>>();
        services.AddOptions<BatchingOptions>().BindConfiguration(BatchingOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<BatchingOptions>, SettingRulesValidator<BatchingOptions>>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<BatcherMetrics>();
        services.AddSingleton(sp => new OnnxModelRegistry(
            sp.GetRequiredService<IOptions<OnnxOptions>>().Value,
            sp.GetRequiredService<IOptions<BatchingOptions>>().Value,
            sp.GetServices<IEmbeddingModel>(),
            sp.GetRequiredService<BatcherMetrics>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<OnnxModelRegistry>>()));
        services.AddSingleton<StartupFailure>();
        services.AddHostedService<ModelLoader>();
        return builder;
    }

    /// <summary>
    /// Checks every setting before the app starts, so a bad one stops it with the line Program prints alone: checked
    /// only as the host started (<c>ValidateOnStart</c>), the host first logged "Hosting failed to start" with the
    /// exception's stack trace (<c>Onnx__IntraOpThreads=-1</c>).
    /// </summary>
    public static WebApplication CheckSettings(this WebApplication app)
    {
        _ = app.Services.GetRequiredService<IOptions<OnnxOptions>>().Value;
        _ = app.Services.GetRequiredService<IOptions<BatchingOptions>>().Value;
        _ = app.Services.GetRequiredService<IOptions<InferenceOptions>>().Value;
        return app;
    }

    public static WebApplicationBuilder AddInferenceTelemetry(this WebApplicationBuilder builder)
    {
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("frugal-inference"))
            .WithMetrics(m => m
                .AddMeter(BatcherMetrics.MeterName, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel")
                .AddPrometheusExporter());
        return builder;
    }

    public static WebApplication MapMetrics(this WebApplication app)
    {
        app.MapPrometheusScrapingEndpoint("/metrics");
        return app;
    }
}
