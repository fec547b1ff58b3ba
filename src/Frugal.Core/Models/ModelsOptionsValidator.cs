using System.Globalization;
using Microsoft.Extensions.Options;

namespace Frugal.Models;

/// <summary>Validates <see cref="ModelsOptions"/> with messages that name the configuration key at fault.</summary>
public sealed class ModelsOptionsValidator : IValidateOptions<ModelsOptions>
{
    /// <summary>The most retries a tier may be configured with.</summary>
    public const int MaxRetriesLimit = 10;

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, ModelsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        const string Section = ModelsOptions.SectionName;
        ValidateEndpoint(failures, $"{Section}:Cheap", options.Cheap, required: true);
        ValidateEndpoint(failures, $"{Section}:Premium", options.Premium, required: true);
        ValidateEndpoint(failures, $"{Section}:Fallback", options.Fallback, required: false);
        ValidateEndpoint(failures, $"{Section}:Embeddings", options.Embeddings, required: false);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Validates one endpoint; <paramref name="key"/> is its configuration path.</summary>
    /// <param name="failures">Where failure messages are added.</param>
    /// <param name="key">The configuration path, e.g. <c>Frugal:Models:Cheap</c>.</param>
    /// <param name="options">The endpoint's options.</param>
    /// <param name="required">Whether a missing endpoint is a failure.</param>
    public static void ValidateEndpoint(List<string> failures, string key, ModelEndpointOptions? options, bool required)
    {
        ArgumentNullException.ThrowIfNull(failures);
        if (options is null)
        {
            if (required)
            {
                failures.Add($"{key} is required (set {key}:Endpoint and {key}:Deployment).");
            }

            return;
        }

        if (options.Endpoint is null)
        {
            failures.Add($"{key}:Endpoint is required.");
        }
        else if (!options.Endpoint.IsAbsoluteUri || (options.Endpoint.Scheme != Uri.UriSchemeHttps && options.Endpoint.Scheme != Uri.UriSchemeHttp))
        {
            failures.Add($"{key}:Endpoint must be an absolute http or https address (was '{options.Endpoint.OriginalString}').");
        }
        else if (options.UseManagedIdentity && options.Endpoint.Scheme != Uri.UriSchemeHttps)
        {
            failures.Add($"{key}:Endpoint must be https when {key}:UseManagedIdentity is true: Entra ID tokens are never sent over plain http.");
        }

        if (string.IsNullOrWhiteSpace(options.Deployment))
        {
            failures.Add($"{key}:Deployment is required.");
        }

        if (!string.IsNullOrWhiteSpace(options.Tokenizer) && !PromptTrimmer.IsSupported(options.Tokenizer))
        {
            failures.Add($"{key}:Tokenizer must be {PromptTrimmer.DefaultEncoding} or cl100k_base (was '{options.Tokenizer}').");
        }

        if (!Enum.IsDefined(options.Kind))
        {
            failures.Add($"{key}:Kind must be AzureOpenAI or OpenAI.");
        }
        else if (options.Kind == ModelEndpointKind.OpenAI && options.UseManagedIdentity)
        {
            failures.Add($"{key}:UseManagedIdentity applies only to Kind AzureOpenAI; use {key}:ApiKey for an OpenAI endpoint.");
        }
        else if (options.Kind == ModelEndpointKind.AzureOpenAI && !options.UseManagedIdentity && string.IsNullOrWhiteSpace(options.ApiKey))
        {
            failures.Add($"{key}:ApiKey is required unless {key}:UseManagedIdentity is true.");
        }

        if (options.MaxRetries is < 0 or > MaxRetriesLimit)
        {
            failures.Add($"{key}:MaxRetries must be between 0 and {MaxRetriesLimit.ToString(CultureInfo.InvariantCulture)} (was {options.MaxRetries.ToString(CultureInfo.InvariantCulture)}).");
        }

        if (options.NetworkTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{key}:NetworkTimeout must be positive (was {options.NetworkTimeout.ToString("c", CultureInfo.InvariantCulture)}).");
        }

        if (options.Dimensions is < 1)
        {
            failures.Add($"{key}:Dimensions must be 1 or more when set (was {options.Dimensions.Value.ToString(CultureInfo.InvariantCulture)}).");
        }
    }
}
