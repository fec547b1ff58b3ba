using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Frugal.Routing;

/// <summary>Loads each configured router once per process.</summary>
internal sealed class RouterCatalog(IOptions<RoutingOptions> options,
    [FromKeyedServices(FrugalRoutingServiceCollectionExtensions.EmbeddingModelKey)] Func<EmbeddingModelIdentity> identity)
{
    private readonly ConcurrentDictionary<string, Lazy<RouterModel>> routers = new(StringComparer.OrdinalIgnoreCase);

    public RouterModel Get(string name) => routers.GetOrAdd(name, n => new Lazy<RouterModel>(() =>
    {
        if (!options.Value.Resolve().TryGetValue(n, out var folder))
        {
            throw new RouterLoadException($"Router '{n}' is not configured under {RoutingOptions.SectionName}:Routers.");
        }

        var model = RouterArtefact.Load(folder, identity());

        // The step names the router by its configured name; the classifier must answer to it.
        return model.Document.Name == n ? model : new RouterModel(model.Document with { Name = n }, model.Neighbours);
    })).Value;
}
