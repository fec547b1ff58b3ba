using System.ComponentModel.DataAnnotations;

namespace Frugal.Resilience;

/// <summary>
/// Retries, timeouts and the circuit breaker of model calls (configuration section <c>Frugal:Models:Resilience</c>).
/// The ranges are Polly's own: outside them every model call failed with Polly's complaint about its options, after
/// the steps before it had run, where they now stop the host at start naming the key.
/// </summary>
public sealed class ModelResilienceOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Frugal:Models:Resilience";

    /// <summary>Retries after the first attempt, for 429, 5xx and timeouts. A Retry-After header sets the wait.</summary>
    [Range(0, 10, ErrorMessage = "Frugal:Models:Resilience:MaxRetries must be between 0 and 10")]
    public int MaxRetries { get; set; } = 3;

    /// <summary>The first backoff (exponential with jitter) when the service sends no Retry-After.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00", ErrorMessage = "Frugal:Models:Resilience:BaseDelay must be between 00:00:00 and 1.00:00:00")]
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long one attempt may take.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00", ErrorMessage = "Frugal:Models:Resilience:AttemptTimeout must be between 00:00:00.010 and 1.00:00:00")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How long a call may take with all its attempts and waits. It bounds the call on its own: the client library's
    /// network timeout and HttpClient's (100 s each by default) are switched off, as they wrapped the whole pipeline
    /// and cut the retries short (a hanging deployment cost 100 s per step attempt and never reached the fallback).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00", ErrorMessage = "Frugal:Models:Resilience:TotalTimeout must be between 00:00:00.010 and 1.00:00:00")]
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>Failure ratio over the sampling window that opens the circuit.</summary>
    [Range(0.01, 1.0, ErrorMessage = "Frugal:Models:Resilience:CircuitFailureRatio must be between 0.01 and 1")]
    public double CircuitFailureRatio { get; set; } = 0.5;

    /// <summary>
    /// Calls in the sampling window before the ratio counts. 50: with hundreds of runs in flight, 10 calls were a few
    /// hundred milliseconds of traffic, and a short unlucky streak opened the circuit for every run.
    /// </summary>
    [Range(2, 10_000, ErrorMessage = "Frugal:Models:Resilience:CircuitMinimumThroughput must be between 2 and 10000")]
    public int CircuitMinimumThroughput { get; set; } = 50;

    /// <summary>The sampling window of the circuit breaker.</summary>
    [Range(typeof(TimeSpan), "00:00:00.500", "1.00:00:00", ErrorMessage = "Frugal:Models:Resilience:CircuitSamplingDuration must be between 00:00:00.500 and 1.00:00:00")]
    public TimeSpan CircuitSamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an open circuit sends calls straight to the fallback deployment.</summary>
    [Range(typeof(TimeSpan), "00:00:00.500", "1.00:00:00", ErrorMessage = "Frugal:Models:Resilience:CircuitBreakDuration must be between 00:00:00.500 and 1.00:00:00")]
    public TimeSpan CircuitBreakDuration { get; set; } = TimeSpan.FromSeconds(15);
}
