using Frugal.Classification;
using Frugal.Engine;
using Frugal.Models;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Frugal's engine: step execution, classifiers and the model step handler.</summary>
public static class FrugalEngineServiceCollectionExtensions
{
    /// <summary>Adds the services <see cref="ExecuteStepActivity"/> needs. Hosts add model clients and stores separately.</summary>
    public static IServiceCollection AddFrugalEngine(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IComplexityClassifier, RulesComplexityClassifier>());
        services.TryAddSingleton<ComplexityClassifierRegistry>();
        services.TryAddSingleton<ModelStepHandler>();
        services.AddOptions<RoutingLimitsOptions>().BindConfiguration(RoutingLimitsOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RoutingLimitsOptions>, RoutingLimitsOptionsValidator>());
        services.TryAddSingleton<PremiumShareGovernor>();
        services.TryAddSingleton<StepExecutor>();
        services.TryAddSingleton<Frugal.Telemetry.TenantTextPolicy>();
        services.TryAddSingleton<ExecuteStepActivity>();
        return services;
    }
}
