namespace Frugal.Telemetry;

/// <summary>Where traces and metrics go; bound from <c>Frugal:Telemetry</c>.</summary>
public sealed class TelemetryOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Frugal:Telemetry";

    /// <summary><c>none</c> (default), <c>otlp</c> or <c>azuremonitor</c>.</summary>
    public string Exporter { get; set; } = "none";

    /// <summary>The OTLP endpoint when <see cref="Exporter"/> is <c>otlp</c> (default: the exporter's own, http://localhost:4317).</summary>
    public Uri? OtlpEndpoint { get; set; }

    /// <summary>The Application Insights connection string when <see cref="Exporter"/> is <c>azuremonitor</c>
    /// (else <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c>).</summary>
    public string? AzureMonitorConnectionString { get; set; }

    /// <summary>
    /// The share of runs whose traces are exported, from 0 to 1 (default 1: all). Decided per trace, so a run's steps
    /// are kept or dropped together. Telemetry is billed per GB where it lands; metrics (cost, tokens, latency) are
    /// not sampled, and the cost ledger keeps every call whatever this says.
    /// </summary>
    public double TraceSamplingRatio { get; set; } = 1;

    /// <summary>
    /// With <c>azuremonitor</c>, send with an Entra ID token (<c>DefaultAzureCredential</c>: the app's managed identity
    /// in Azure) rather than the connection string's key alone: an Application Insights resource with local
    /// authentication disabled (as <c>infra/</c> deploys it) refuses telemetry without one. The identity needs the
    /// Monitoring Metrics Publisher role on the resource.
    /// </summary>
    public bool UseManagedIdentity { get; set; }
}
