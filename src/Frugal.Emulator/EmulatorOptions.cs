using Microsoft.Extensions.Configuration;

namespace Frugal.Emulator;

/// <summary>
/// Options of the model emulator, bound from the configuration section <see cref="SectionName"/>.
/// </summary>
public sealed class EmulatorOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Emulator";

    /// <summary>
    /// The API key clients must present (<c>api-key</c> header or <c>Authorization: Bearer</c>).
    /// When <see langword="null"/> or empty, any key (or none) is accepted.
    /// </summary>
    public string? ApiKey { get; set; }

    /// <summary>Seed of the random draws (faults, jitter), so that a run can be reproduced.</summary>
    public int Seed { get; set; } = 42;

    /// <summary>Dimension of the embedding vectors when neither the deployment nor the request sets one.</summary>
    public int EmbeddingDimensions { get; set; } = 384;

    /// <summary>
    /// A labelled CSV (<c>id,source,prompt,cheap_score,premium_score</c>, as for <c>frugal router train</c>). For a prompt
    /// found there, an answer from a deployment with a <see cref="DeploymentOptions.QualityTier"/> is marked correct or
    /// wrong by that tier's score: text answers start with <c>CORRECT:</c> or <c>WRONG:</c>; JSON answers carry a boolean
    /// <c>correct</c> property (json_object always, json_schema when the schema declares one).
    /// </summary>
    public string? QualityData { get; set; }

    /// <summary>
    /// Answer a deployment not listed in <see cref="Deployments"/> with Azure OpenAI's 404 <c>DeploymentNotFound</c>
    /// instead of <see cref="Defaults"/>: a misspelt deployment name then fails here as it would on Azure.
    /// </summary>
    public bool StrictDeployments { get; set; }

    /// <summary>
    /// Width in pixels the emulator takes an image given by an http(s) URL to have, to count its prompt tokens: it
    /// fetches nothing. The default, 1024x1024, costs what most photos and screenshots cost in <c>high</c> or
    /// <c>auto</c> detail (765 tokens on gpt-4o); an image in a <c>data:</c> URL is counted at its own size.
    /// </summary>
    public int RemoteImageWidth { get; set; } = 1024;

    /// <summary>Height in pixels the emulator takes an image given by an http(s) URL to have (see <see cref="RemoteImageWidth"/>).</summary>
    public int RemoteImageHeight { get; set; } = 1024;

    /// <summary>
    /// Behaviour of deployments that are not listed in <see cref="Deployments"/>, and of listed ones in what they do not
    /// set (<see cref="InheritDefaults"/>).
    /// </summary>
    public DeploymentOptions Defaults { get; set; } = new();

    /// <summary>Behaviour per deployment name (case-insensitive), over <see cref="Defaults"/>.</summary>
    public Dictionary<string, DeploymentOptions> Deployments { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Makes each listed deployment <see cref="Defaults"/> with its own settings on top, read again from
    /// <paramref name="sections"/> (the <c>Emulator</c> sections it was bound from, in order). The binder builds a listed
    /// deployment from scratch: with <c>"Defaults": {"LatencyMs": 200, "RateLimitRate": 0.05}</c>, a deployment listed
    /// only to name its model (or, in <c>frugal replay</c>, its quality tier) answered at once and never failed.
    /// </summary>
    /// <param name="options">The bound options.</param>
    /// <param name="sections">The configuration sections holding <c>Deployments</c>, first to last.</param>
    public static void InheritDefaults(EmulatorOptions options, params IEnumerable<IConfiguration> sections)
    {
        ArgumentNullException.ThrowIfNull(options);
        foreach (var name in options.Deployments.Keys.ToList())
        {
            var merged = options.Defaults.Copy();
            foreach (var section in sections)
            {
                section.GetSection(nameof(Deployments)).GetSection(name).Bind(merged);
            }

            options.Deployments[name] = merged;
        }
    }

    /// <summary>Returns the options of <paramref name="deployment"/>, or <see cref="Defaults"/> when it is not listed.</summary>
    /// <param name="deployment">The deployment (model) name of a request.</param>
    /// <returns>The options that apply to that deployment.</returns>
    public DeploymentOptions For(string deployment) =>
        Deployments.TryGetValue(deployment, out var options) ? options : Defaults;

    /// <summary>Whether <paramref name="deployment"/> is answered (always, unless <see cref="StrictDeployments"/>).</summary>
    /// <param name="deployment">The deployment (model) name of a request.</param>
    /// <returns>False when strict and not listed.</returns>
    public bool Serves(string deployment) => !StrictDeployments || Deployments.ContainsKey(deployment);

    /// <summary>The model named in answers of <paramref name="deployment"/>.</summary>
    /// <param name="deployment">The deployment (model) name of a request.</param>
    /// <returns><see cref="DeploymentOptions.Model"/>, else the deployment's name.</returns>
    public string ModelOf(string deployment) => For(deployment).Model is { Length: > 0 } model ? model : deployment;
}
