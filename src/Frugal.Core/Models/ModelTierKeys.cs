using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace Frugal.Models;

/// <summary>The service keys of the keyed <c>IChatClient</c> registrations made by <c>AddFrugalModels</c>.</summary>
public static class ModelTierKeys
{
    /// <summary>The cheap tier.</summary>
    public const string Cheap = "cheap";

    /// <summary>The premium tier.</summary>
    public const string Premium = "premium";

    /// <summary>The fallback tier, registered only when configured.</summary>
    public const string Fallback = "fallback";

    /// <summary>
    /// The metadata of the chat client registered under <paramref name="key"/> (a tier's, or the fallback): the
    /// deployment it calls (<see cref="ChatClientMetadata.DefaultModelId"/>) and its provider; null when none is.
    /// </summary>
    internal static ChatClientMetadata? MetadataOf(IServiceProvider services, string key) =>
        services.GetKeyedService<IChatClient>(key)?.GetService<ChatClientMetadata>();
}
