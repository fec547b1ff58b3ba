using Frugal.Api;
using Frugal.Workflows;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the workflow catalog and the run API.</summary>
public static class WorkflowsServiceCollectionExtensions
{
    /// <summary>
    /// Loads every workflow in <c>Frugal:Workflows:Directory</c> once, at start. A file that does not validate is
    /// logged with its <c>file:line:column</c> problems and left out, as is one whose classify step names a router the
    /// host does not have; the valid ones are served. A blank setting, or one naming no folder, fails start-up naming it.
    /// </summary>
    public static IServiceCollection AddFrugalWorkflows(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<WorkflowsOptions>().Bind(configuration.GetSection(WorkflowsOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WorkflowsOptions>, WorkflowsOptionsValidator>());
        services.TryAddSingleton(sp =>
        {
            var catalog = WorkflowCatalog.LoadFolder(sp.GetRequiredService<IOptions<WorkflowsOptions>>().Value.FolderPath());
            if (sp.GetService<Frugal.Classification.ComplexityClassifierRegistry>() is { } routers)
            {
                catalog = catalog.WithRouters([.. routers.Names]);
            }

            var logger = sp.GetRequiredService<ILoggerFactory>().CreateLogger<WorkflowCatalog>();
            foreach (var error in catalog.Errors)
            {
                Frugal.Log.WorkflowSkipped(logger, error.ToString());
            }

            return catalog;
        });
        services.TryAddSingleton<WorkflowApi>();
        return services;
    }
}
