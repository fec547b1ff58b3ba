using Frugal.Resilience;

namespace Microsoft.Extensions.AI;

/// <summary>Adds <see cref="FallbackChatClient"/> to a chat client pipeline.</summary>
public static class FallbackChatClientBuilderExtensions
{
    /// <summary>Falls back to <paramref name="fallback"/> on server errors, timeouts and open circuits.</summary>
    public static ChatClientBuilder UseFallback(this ChatClientBuilder builder, Func<IServiceProvider, IChatClient?> fallback, string tier)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(fallback);
        return builder.Use((inner, services) => fallback(services) is { } client ? new FallbackChatClient(inner, client, tier) : inner);
    }
}
