using Frugal.Emulator.Chat;
using Frugal.Emulator.Embeddings;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Frugal.Emulator;

/// <summary>Registers the model emulator in a host's services.</summary>
public static class EmulatorServiceCollectionExtensions
{
    /// <summary>
    /// Adds the emulator, its options bound from the <c>Emulator</c> section of <paramref name="configuration"/>
    /// and validated on start. Map its routes with <see cref="EmulatorEndpointRouteBuilderExtensions.MapFrugalEmulator"/>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The configuration holding the <c>Emulator</c> section.</param>
    /// <returns>The same service collection.</returns>
    public static IServiceCollection AddFrugalEmulator(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(EmulatorOptions.SectionName);
        services.AddOptions<EmulatorOptions>()
            .Bind(section)
            .PostConfigure(options => EmulatorOptions.InheritDefaults(options, section))
            .ValidateOnStart();
        return services.AddEmulatorCore();
    }

    internal static IServiceCollection AddEmulatorCore(this IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<EmulatorOptions>, EmulatorOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<EmulatorOptions>>().Value);
        services.TryAddSingleton<EmulatorCounters>();
        services.TryAddSingleton<TokenCounter>();
        services.TryAddSingleton<FaultInjector>();
        services.TryAddSingleton<RequestGate>();
        services.TryAddSingleton<Quality.QualityJudge>();
        services.TryAddSingleton<ChatCompletionEndpoint>();
        services.TryAddSingleton<EmbeddingsEndpoint>();
        return services;
    }
}
