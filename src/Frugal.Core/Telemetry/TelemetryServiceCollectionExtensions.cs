using Azure.Monitor.OpenTelemetry.Exporter;
using Frugal.Telemetry;
using Microsoft.Extensions.Configuration;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Frugal's OpenTelemetry export.</summary>
public static class TelemetryServiceCollectionExtensions
{
    /// <summary>
    /// Exports Frugal's traces (<c>Frugal</c>, <c>Frugal.Models</c>, <c>Microsoft.DurableTask</c>) and metrics (<c>Frugal</c>,
    /// <c>Frugal.Models</c>) to the exporter <c>Frugal:Telemetry:Exporter</c> names: <c>none</c> adds nothing,
    /// <c>otlp</c> (endpoint <c>Frugal:Telemetry:OtlpEndpoint</c>) or <c>azuremonitor</c> (connection string
    /// <c>Frugal:Telemetry:AzureMonitorConnectionString</c> or <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c>).
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The configuration.</param>
    /// <param name="serviceName">The <c>service.name</c> resource attribute.</param>
    /// <param name="hostSources">The host's own trace sources whose spans Frugal's must nest under (the Functions worker's
    /// invocation span carries the host's trace context; unheard, every step span began a trace of its own).</param>
    /// <returns>The services.</returns>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">The exporter is unknown or its setting is missing, or the sampling ratio is outside 0-1 (whatever the exporter); the message names the key.</exception>
    public static IServiceCollection AddFrugalTelemetry(this IServiceCollection services, IConfiguration configuration, string serviceName = "frugal", IReadOnlyList<string>? hostSources = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var options = configuration.GetSection(TelemetryOptions.SectionName).Get<TelemetryOptions>() ?? new TelemetryOptions();
        string exporter = options.Exporter.Trim().ToLowerInvariant();

        // Checked whatever the exporter: a bad ratio set before telemetry is switched on would otherwise pass unseen
        // and stop the host only on the day someone turns on an exporter.
        if (options.TraceSamplingRatio is < 0 or > 1 || double.IsNaN(options.TraceSamplingRatio))
        {
            throw Invalid($"{TelemetryOptions.SectionName}:TraceSamplingRatio must be between 0 and 1 (was {options.TraceSamplingRatio.ToString(System.Globalization.CultureInfo.InvariantCulture)}).");
        }

        // A relative address ("collector:4317", no scheme) ended frugal with "This operation is not supported for a
        // relative URI" and exit 1, naming no setting.
        if (options.OtlpEndpoint is { } endpoint && !(endpoint.IsAbsoluteUri && endpoint.Scheme is "http" or "https"))
        {
            throw Invalid($"{TelemetryOptions.SectionName}:OtlpEndpoint must be an absolute http or https address such as http://localhost:4317 (was '{endpoint.OriginalString}').");
        }

        if (exporter is "none" or "")
        {
            return services;
        }

        string? connectionString = options.AzureMonitorConnectionString ?? configuration["APPLICATIONINSIGHTS_CONNECTION_STRING"];
        if (exporter is not ("otlp" or "azuremonitor"))
        {
            throw Invalid($"{TelemetryOptions.SectionName}:Exporter must be none, otlp or azuremonitor (was '{options.Exporter}').");
        }

        if (exporter == "azuremonitor" && string.IsNullOrWhiteSpace(connectionString))
        {
            throw Invalid($"{TelemetryOptions.SectionName}:AzureMonitorConnectionString (or APPLICATIONINSIGHTS_CONNECTION_STRING) is required when {TelemetryOptions.SectionName}:Exporter is azuremonitor.");
        }

        // One credential for both exporters, so they share its token cache.
        var credential = exporter == "azuremonitor" && options.UseManagedIdentity ? new global::Azure.Identity.DefaultAzureCredential() : null;
        services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(serviceName))
            .WithTracing(tracing =>
            {
                tracing.AddSource(FrugalTelemetry.SourceName, FrugalTelemetry.ModelsSourceName, FrugalTelemetry.DurableTaskSourceName);
                tracing.AddSource([.. hostSources ?? []]);
                tracing.SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(options.TraceSamplingRatio)));

                // Before the exporter, which reads what the processors before it left.
                tracing.AddProcessor(new SpanErrorRedactor(hostSources));
                if (exporter == "otlp")
                {
                    tracing.AddOtlpExporter(o => o.Endpoint = options.OtlpEndpoint ?? o.Endpoint);
                }
                else
                {
                    tracing.AddAzureMonitorTraceExporter(o =>
                    {
                        o.ConnectionString = connectionString;
                        o.Credential = credential;
                    });
                }
            })
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(FrugalTelemetry.SourceName, FrugalTelemetry.ModelsSourceName);
                if (exporter == "otlp")
                {
                    metrics.AddOtlpExporter(o => o.Endpoint = options.OtlpEndpoint ?? o.Endpoint);
                }
                else
                {
                    metrics.AddAzureMonitorMetricExporter(o =>
                    {
                        o.ConnectionString = connectionString;
                        o.Credential = credential;
                    });
                }
            });
        return services;
    }

    // An options failure, like every other bad setting: hosts report it as a configuration error naming the key
    // (frugal exits 2), where an InvalidOperationException ended the CLI with a stack trace (exit 134).
    private static Microsoft.Extensions.Options.OptionsValidationException Invalid(string message) =>
        new(TelemetryOptions.SectionName, typeof(TelemetryOptions), [message]);
}
