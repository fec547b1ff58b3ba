using Frugal.Models;
using Frugal.Routing.Feedback;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the production feedback loop when <c>Frugal:Routing:Feedback:Enabled</c> is true.</summary>
public static class RoutingFeedbackServiceCollectionExtensions
{
    /// <summary>Adds the feedback store as the model steps' <see cref="IRoutingFeedbackSink"/>, if enabled.</summary>
    public static IServiceCollection AddFrugalRoutingFeedback(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(RoutingFeedbackOptions.Section);
        services.AddOptions<RoutingFeedbackOptions>().Bind(section)
            .Validate(o => !o.Enabled || !string.IsNullOrWhiteSpace(o.Path), $"{RoutingFeedbackOptions.Section}:Path must name a file when Enabled is true.")
            .ValidateOnStart();
        if (section.GetValue<bool>(nameof(RoutingFeedbackOptions.Enabled)))
        {
            services.TryAddSingleton(TimeProvider.System);
            services.TryAddSingleton<SqliteRoutingFeedbackStore>();
            services.TryAddSingleton<IRoutingFeedbackSink>(sp => sp.GetRequiredService<SqliteRoutingFeedbackStore>());
        }

        return services;
    }
}
