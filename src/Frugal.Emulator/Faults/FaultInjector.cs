using System.Collections.Concurrent;

namespace Frugal.Emulator;

/// <summary>
/// Draws faults and latency jitter per deployment from seeded generators, so a run that sends the same
/// requests in the same order meets the same faults.
/// </summary>
internal sealed class FaultInjector(EmulatorOptions options)
{
    private readonly ConcurrentDictionary<string, Streams> _streams = new(StringComparer.OrdinalIgnoreCase);

    public FaultKind DrawFault(string deployment, DeploymentOptions deploymentOptions)
    {
        var total = deploymentOptions.RateLimitRate + deploymentOptions.ServerErrorRate
            + deploymentOptions.ServiceUnavailableRate + deploymentOptions.TimeoutRate
            + deploymentOptions.PromptFilterRate + deploymentOptions.CompletionFilterRate;
        if (total <= 0)
        {
            return FaultKind.None;
        }

        var streams = StreamsFor(deployment);
        double draw;
        lock (streams.Faults)
        {
            draw = streams.Faults.NextDouble();
        }

        if ((draw -= deploymentOptions.RateLimitRate) < 0)
        {
            return FaultKind.RateLimit;
        }

        if ((draw -= deploymentOptions.ServerErrorRate) < 0)
        {
            return FaultKind.ServerError;
        }

        if ((draw -= deploymentOptions.ServiceUnavailableRate) < 0)
        {
            return FaultKind.ServiceUnavailable;
        }

        if ((draw -= deploymentOptions.TimeoutRate) < 0)
        {
            return FaultKind.Timeout;
        }

        // Drawn after the older kinds, so a configuration without them meets the same faults as before.
        if ((draw -= deploymentOptions.PromptFilterRate) < 0)
        {
            return FaultKind.PromptFilter;
        }

        return draw - deploymentOptions.CompletionFilterRate < 0 ? FaultKind.CompletionFilter : FaultKind.None;
    }

    public TimeSpan DrawLatency(string deployment, DeploymentOptions deploymentOptions, int outputTokens)
    {
        double jitter = 0;
        if (deploymentOptions.JitterMs > 0)
        {
            // Jitter has its own stream so that turning it on does not change which requests fail.
            var streams = StreamsFor(deployment);
            lock (streams.Jitter)
            {
                jitter = streams.Jitter.NextDouble() * deploymentOptions.JitterMs;
            }
        }

        var milliseconds = deploymentOptions.LatencyMs + jitter + (deploymentOptions.PerOutputTokenMs * outputTokens);
        return TimeSpan.FromMilliseconds(milliseconds);
    }

    private Streams StreamsFor(string deployment) =>
        _streams.GetOrAdd(deployment.ToUpperInvariant(), static (key, seed) =>
        {
            var baseSeed = DeterministicRandom.Hash(seed.ToString(System.Globalization.CultureInfo.InvariantCulture), key);
            return new Streams(new DeterministicRandom(baseSeed), new DeterministicRandom(~baseSeed));
        }, options.Seed);

    private sealed record Streams(DeterministicRandom Faults, DeterministicRandom Jitter);
}
