using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Frugal.Routing;

/// <summary>Loads every configured router at start-up, so a missing, corrupt or mismatched router stops the host with
/// a message naming the file instead of failing the first classify step.</summary>
internal sealed class RoutingOptionsValidator([FromKeyedServices(FrugalRoutingServiceCollectionExtensions.EmbeddingModelKey)] Func<EmbeddingModelIdentity> identity)
    : IValidateOptions<RoutingOptions>
{
    public ValidateOptionsResult Validate(string? name, RoutingOptions options)
    {
        var failures = new List<string>();
        foreach (var (router, folder) in options.Resolve())
        {
            try
            {
                var model = RouterArtefact.Load(folder, identity());
                if (!string.Equals(model.Name, router, StringComparison.OrdinalIgnoreCase))
                {
                    // frugal router train names a router 'default' unless told otherwise, so a router trained into
                    // routers/mine and configured as Routers:mine was refused without a word on how to put it right.
                    failures.Add($"{RoutingOptions.SectionName}:Routers:{router}: the folder {Path.GetFullPath(folder)} holds router '{model.Name}'; the names must match "
                        + $"(train it with 'frugal router train --name {router}', or configure it as {RoutingOptions.SectionName}:Routers:{model.Name}).");
                }
            }
            catch (RouterLoadException ex)
            {
                failures.Add($"{RoutingOptions.SectionName}:Routers:{router}: {ex.Message}");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
