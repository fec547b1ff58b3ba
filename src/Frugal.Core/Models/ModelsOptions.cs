namespace Frugal.Models;

/// <summary>The hosted model tiers, bound from the configuration section <see cref="SectionName"/>.</summary>
/// <remarks>Swapping a model is a configuration change: point a tier at another endpoint or deployment.</remarks>
public sealed class ModelsOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Frugal:Models";

    /// <summary>The cheap tier (e.g. a gpt-4o-mini deployment). Required.</summary>
    public ModelEndpointOptions Cheap { get; set; } = new();

    /// <summary>The premium tier (e.g. a gpt-4o deployment). Required.</summary>
    public ModelEndpointOptions Premium { get; set; } = new();

    /// <summary>A tier to fall back to when a tier's endpoint is failing; optional.</summary>
    public ModelEndpointOptions? Fallback { get; set; }

    /// <summary>An embeddings deployment; optional.</summary>
    public ModelEndpointOptions? Embeddings { get; set; }
}
