using System.Diagnostics;

namespace Frugal.Telemetry;

/// <summary>The names of Frugal's OpenTelemetry sources and its <see cref="ActivitySource"/>.</summary>
public static class FrugalTelemetry
{
    /// <summary>Frugal's own traces and metrics: step attempts (<c>frugal.step</c>) and the <c>frugal.*</c> instruments.</summary>
    public const string SourceName = "Frugal";

    /// <summary>The model pipeline's GenAI traces and metrics (<c>gen_ai.client.*</c>, from M.E.AI's <c>UseOpenTelemetry</c>).</summary>
    public const string ModelsSourceName = Frugal.Models.ModelClientFactory.TelemetrySourceName;

    /// <summary>The Durable Task SDK's spans: <c>create_orchestration:&lt;name&gt;</c> (client), <c>orchestration:&lt;name&gt;</c>
    /// (one per run) and <c>activity:&lt;name&gt;</c> (worker, gRPC).</summary>
    public const string DurableTaskSourceName = "Microsoft.DurableTask";

    /// <summary>The source of step-attempt spans.</summary>
    public static readonly ActivitySource Source = new(SourceName);
}
