using System.Globalization;
using Microsoft.Extensions.Options;

namespace Frugal.Emulator;

/// <summary>
/// Validates <see cref="EmulatorOptions"/> with messages that name the configuration key at fault.
/// </summary>
public sealed class EmulatorOptionsValidator : IValidateOptions<EmulatorOptions>
{
    /// <summary>The largest embedding dimension the emulator produces.</summary>
    public const int MaxEmbeddingDimensions = 8192;

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, EmulatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        const string Section = EmulatorOptions.SectionName;

        CheckDimensions(failures, $"{Section}:EmbeddingDimensions", options.EmbeddingDimensions);
        foreach (var (key, pixels) in new[] { ("RemoteImageWidth", options.RemoteImageWidth), ("RemoteImageHeight", options.RemoteImageHeight) })
        {
            if (pixels < 1)
            {
                failures.Add($"{Section}:{key} must be 1 or more (was {pixels.ToString(CultureInfo.InvariantCulture)}).");
            }
        }

        if (options.Defaults is null)
        {
            failures.Add($"{Section}:Defaults must not be null.");
        }
        else
        {
            ValidateDeployment(failures, $"{Section}:Defaults", options.Defaults);
        }

        foreach (var (deployment, deploymentOptions) in options.Deployments)
        {
            var key = $"{Section}:Deployments:{deployment}";
            if (string.IsNullOrWhiteSpace(deployment))
            {
                failures.Add($"{Section}:Deployments has an empty deployment name.");
            }

            if (deploymentOptions is null)
            {
                failures.Add($"{key} must not be null.");
                continue;
            }

            ValidateDeployment(failures, key, deploymentOptions);
        }

        if (!string.IsNullOrWhiteSpace(options.QualityData) && !File.Exists(options.QualityData))
        {
            // A folder "did not exist", though it was there by name.
            failures.Add(Directory.Exists(options.QualityData)
                ? $"{Section}:QualityData: '{Path.GetFullPath(options.QualityData)}' is a folder; name a labelled CSV file (id,source,prompt,cheap_score,premium_score)."
                : $"{Section}:QualityData: the file '{Path.GetFullPath(options.QualityData)}' does not exist.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidateDeployment(List<string> failures, string key, DeploymentOptions options)
    {
        CheckNonNegative(failures, $"{key}:LatencyMs", options.LatencyMs);
        CheckNonNegative(failures, $"{key}:JitterMs", options.JitterMs);
        CheckNonNegative(failures, $"{key}:TimeoutMs", options.TimeoutMs);
        CheckNonNegative(failures, $"{key}:RetryAfterSeconds", options.RetryAfterSeconds);
        if (options.MaxOutputTokens < 1)
        {
            failures.Add($"{key}:MaxOutputTokens must be 1 or more (was {options.MaxOutputTokens.ToString(CultureInfo.InvariantCulture)}).");
        }

        if (options.ContextTokens < 1)
        {
            failures.Add($"{key}:ContextTokens must be 1 or more (was {options.ContextTokens.ToString(CultureInfo.InvariantCulture)}).");
        }

        if (!(options.PerOutputTokenMs >= 0))
        {
            failures.Add($"{key}:PerOutputTokenMs must be zero or more (was {Format(options.PerOutputTokenMs)}).");
        }

        var rates = new[]
        {
            ("RateLimitRate", options.RateLimitRate),
            ("ServerErrorRate", options.ServerErrorRate),
            ("ServiceUnavailableRate", options.ServiceUnavailableRate),
            ("TimeoutRate", options.TimeoutRate),
            ("PromptFilterRate", options.PromptFilterRate),
            ("CompletionFilterRate", options.CompletionFilterRate),
        };
        var allInRange = true;
        foreach (var (name, rate) in rates)
        {
            if (!(rate is >= 0 and <= 1))
            {
                failures.Add($"{key}:{name} must be between 0 and 1 (was {Format(rate)}).");
                allInRange = false;
            }
        }

        var sum = rates.Sum(r => r.Item2);
        if (allInRange && sum > 1 + 1e-9)
        {
            failures.Add($"{key}: the fault rates (RateLimitRate, ServerErrorRate, ServiceUnavailableRate, TimeoutRate, PromptFilterRate, CompletionFilterRate) add up to {Format(sum)}; they must add up to 1 at most" + (key.Contains(":Deployments:", StringComparison.Ordinal) ? " (a listed deployment takes those it does not set from Defaults)." : "."));
        }

        if (options.EmbeddingDimensions is { } dimensions)
        {
            CheckDimensions(failures, $"{key}:EmbeddingDimensions", dimensions);
        }

        if (options.QualityTier is { } tier && !string.Equals(tier, Quality.QualityTiers.Cheap, StringComparison.OrdinalIgnoreCase)
            && !string.Equals(tier, Quality.QualityTiers.Premium, StringComparison.OrdinalIgnoreCase))
        {
            failures.Add($"{key}:QualityTier must be '{Quality.QualityTiers.Cheap}' or '{Quality.QualityTiers.Premium}' (was '{tier}').");
        }
    }

    private static void CheckNonNegative(List<string> failures, string key, int value)
    {
        if (value < 0)
        {
            failures.Add($"{key} must be zero or more (was {value.ToString(CultureInfo.InvariantCulture)}).");
        }
    }

    private static void CheckDimensions(List<string> failures, string key, int value)
    {
        if (value is < 1 or > MaxEmbeddingDimensions)
        {
            failures.Add($"{key} must be between 1 and {MaxEmbeddingDimensions.ToString(CultureInfo.InvariantCulture)} (was {value.ToString(CultureInfo.InvariantCulture)}).");
        }
    }

    private static string Format(double value) => value.ToString(CultureInfo.InvariantCulture);
}
