using System.Net;
using Frugal.Resilience;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>The HttpClients model calls go through: retries honouring Retry-After, a circuit breaker and attempt timeouts.</summary>
public static class ModelHttpClientServiceCollectionExtensions
{
    /// <summary>The name of the HttpClient of a tier.</summary>
    public static string ClientName(string tier) => $"frugal-model-{tier}";

    /// <summary>
    /// Adds one named HttpClient per tier with a Polly pipeline of Microsoft.Extensions.Http.Resilience: a circuit
    /// breaker around a total timeout around retries (exponential backoff with jitter, or the service's Retry-After)
    /// around an attempt timeout. Each tier has its own circuit, so a failing premium deployment does not stop cheap calls.
    /// </summary>
    public static IServiceCollection AddFrugalModelHttpClients(this IServiceCollection services, IConfiguration configuration, params string[] tiers)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<ModelResilienceOptions>()
            .Bind(configuration.GetSection(ModelResilienceOptions.Section))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ModelResilienceOptions>, ModelResilienceOptionsValidator>());
        services.AddTransient<ModelAttemptHandler>();
        foreach (var tier in tiers)
        {
            var client = services.AddHttpClient(ClientName(tier))
                .ConfigureHttpClient(http => http.Timeout = Timeout.InfiniteTimeSpan)
                .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) });
            client.AddResilienceHandler($"frugal-model-{tier}", (pipeline, context) =>
                {
                    var options = context.ServiceProvider.GetRequiredService<IOptions<ModelResilienceOptions>>().Value;

                    // The breaker judges whole calls, after their retries, not single attempts: a fan-out of hundreds
                    // of calls gets its failed attempts back at once and its answers only after the model's latency,
                    // so per attempt the first outcomes of a burst were nearly all failures whatever the real rate. A
                    // deployment failing a quarter of its attempts (which retries absorb: 0.4% of calls fail) opened
                    // the circuit and stalled or failed most runs; now it opens when calls fail despite their retries.
                    // It stands outside the total timeout too, so a call that hangs until its time runs out counts as
                    // failed (inside, it saw a cancellation, which it took for a success).
                    pipeline.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
                    {
                        // A 429 is the service pacing this caller (the retries honour its Retry-After), not a deployment
                        // failing: counted, a burst of throttling under load opened the circuit and failed whole runs.
                        ShouldHandle = static args => ValueTask.FromResult(
                            args.Outcome.Result?.StatusCode != HttpStatusCode.TooManyRequests && HttpClientResiliencePredicates.IsTransient(args.Outcome)),
                        FailureRatio = options.CircuitFailureRatio,
                        MinimumThroughput = options.CircuitMinimumThroughput,
                        SamplingDuration = options.CircuitSamplingDuration,
                        BreakDuration = options.CircuitBreakDuration,
                    });
                    var time = context.ServiceProvider.GetService<TimeProvider>() ?? TimeProvider.System;
                    pipeline.AddStrategy(_ => new CallClockStrategy(time));
                    pipeline.AddTimeout(options.TotalTimeout);
                    var transient = new HttpRetryStrategyOptions().ShouldHandle;
                    pipeline.AddRetry(new HttpRetryStrategyOptions
                    {
                        MaxRetryAttempts = Math.Max(1, options.MaxRetries),

                        // A wait the service asks for that outlasts what is left of the call's time is not waited out:
                        // the call fails at once (and a fallback deployment takes it) instead of at its total timeout.
                        // Compared with the whole total, a second 429 asking for the same wait as the first was
                        // waited until the total timeout cut it off, and the call failed as a timeout, not a 429.
                        ShouldHandle = options.MaxRetries == 0 ? static _ => ValueTask.FromResult(false)
                            : async args => await transient(args).ConfigureAwait(false)
                                && !(RetryAfter(args.Outcome.Result, time) >= options.TotalTimeout - CallClockStrategy.Elapsed(args.Context, time)),
                        BackoffType = DelayBackoffType.Exponential,
                        UseJitter = true,
                        Delay = options.BaseDelay,

                        // The service's wait when it gives one above zero, else the backoff: Polly's own Retry-After
                        // handling took 'Retry-After: 0' literally and sent every retry at once.
                        ShouldRetryAfterHeader = false,
                        DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome.Result, time) is { } wait && wait > TimeSpan.Zero ? wait : (TimeSpan?)null),
                    });
                    pipeline.AddTimeout(options.AttemptTimeout);
                });

            // Added after the resilience handler, so it sits inside it and sees every attempt.
            client.AddHttpMessageHandler<ModelAttemptHandler>();
        }

        return services;
    }

    /// <summary>
    /// The wait a response asks for: Azure OpenAI's <c>retry-after-ms</c> when present (finer than seconds), else
    /// <c>Retry-After</c> as seconds or a date; null when it asks for none.
    /// </summary>
    internal static TimeSpan? RetryAfter(HttpResponseMessage? response, TimeProvider time)
    {
        if (response is null)
        {
            return null;
        }

        if (response.Headers.TryGetValues("retry-after-ms", out var values)
            && double.TryParse(values.FirstOrDefault(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var ms)
            && ms >= 0 && double.IsFinite(ms))
        {
            // Capped at a day: a service asking for longer (or for 1e300 ms, which TimeSpan cannot hold) is not waited.
            return TimeSpan.FromMilliseconds(Math.Min(ms, TimeSpan.FromDays(1).TotalMilliseconds));
        }

        return response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - time.GetUtcNow(),
            _ => null,
        };
    }
}
