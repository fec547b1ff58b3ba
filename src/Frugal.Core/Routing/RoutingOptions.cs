namespace Frugal.Routing;

/// <summary>The learned routers a host serves (<c>Frugal:Routing</c>). The shipped <c>default</c> router is always
/// present unless <see cref="Routers"/> names another folder for it.</summary>
public sealed class RoutingOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Frugal:Routing";

    /// <summary>The name of the shipped router.</summary>
    public const string DefaultRouterName = "default";

    /// <summary>Gets the folder of the shipped default router, copied next to every application that references the core.</summary>
    public static string DefaultRouterFolder => Path.Combine(AppContext.BaseDirectory, "routers", DefaultRouterName);

    /// <summary>Gets the routers by name: name to router folder (relative paths are read from the current directory).</summary>
    public Dictionary<string, string> Routers { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The routers to load: the configured ones, and <c>default</c> from the shipped folder when not configured.</summary>
    /// <returns>Name to folder.</returns>
    public IReadOnlyDictionary<string, string> Resolve()
    {
        var all = new Dictionary<string, string>(Routers, StringComparer.OrdinalIgnoreCase);
        all.TryAdd(DefaultRouterName, DefaultRouterFolder);
        return all;
    }

    /// <summary>Resolves a command-line router argument: <c>default</c> is the shipped router, anything else a folder.</summary>
    /// <param name="nameOrFolder">The argument.</param>
    /// <returns>The folder.</returns>
    public static string ResolveFolder(string nameOrFolder) =>
        string.Equals(nameOrFolder, DefaultRouterName, StringComparison.OrdinalIgnoreCase) && !Directory.Exists(nameOrFolder)
            ? DefaultRouterFolder
            : nameOrFolder;
}
