namespace Frugal.Functions.Telemetry;

/// <summary>What the Functions app adds to Frugal's telemetry.</summary>
internal static class FunctionsTelemetry
{
    /// <summary>
    /// The isolated worker's trace source. Its invocation span, started only when this source is listened to, carries
    /// the trace context the Functions host sends with each invocation; orchestrators run through
    /// <c>GrpcOrchestrationRunner</c> there, which starts no spans of its own, so without it every <c>frugal.step</c>
    /// span was the root of a trace of its own, sampled on its own.
    /// </summary>
    public const string WorkerSourceName = "Microsoft.Azure.Functions.Worker";
}
