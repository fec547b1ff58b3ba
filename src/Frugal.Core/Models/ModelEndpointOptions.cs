namespace Frugal.Models;

/// <summary>Where one hosted model lives and how Frugal authenticates to it.</summary>
public sealed class ModelEndpointOptions
{
    /// <summary>
    /// The endpoint: for <see cref="ModelEndpointKind.AzureOpenAI"/> the resource address
    /// (<c>https://my-resource.openai.azure.com/</c>); for <see cref="ModelEndpointKind.OpenAI"/> the API base
    /// including its version segment (<c>https://api.openai.com/v1</c>).
    /// </summary>
    public Uri? Endpoint { get; set; }

    /// <summary>The deployment (Azure OpenAI) or model name (OpenAI) to call.</summary>
    public string? Deployment { get; set; }

    /// <summary>
    /// The tokenizer that counts this model's tokens for a step's <c>max_input_tokens</c>: <c>o200k_base</c> (GPT-4o,
    /// GPT-4.1, o-series) or <c>cl100k_base</c> (GPT-4, GPT-3.5). Empty: taken from <see cref="Deployment"/> when it
    /// names an OpenAI model, else o200k_base (an approximation for other models, which the step's metadata says).
    /// </summary>
    public string? Tokenizer { get; set; }

    /// <summary>The API key; not needed with <see cref="UseManagedIdentity"/>.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Authenticate with Entra ID (<c>DefaultAzureCredential</c>) instead of an API key. Azure OpenAI only.</summary>
    public bool UseManagedIdentity { get; set; }

    /// <summary>The client id of a user-assigned managed identity; empty for the system-assigned one.</summary>
    public string? ManagedIdentityClientId { get; set; }

    /// <summary>The protocol of the endpoint.</summary>
    public ModelEndpointKind Kind { get; set; } = ModelEndpointKind.AzureOpenAI;

    /// <summary>
    /// Retries of the client library's own pipeline, used only by clients made outside dependency injection. Clients
    /// registered by <c>AddFrugalModels</c> retry in their HttpClient instead, as <c>Frugal:Models:Resilience</c> says.
    /// </summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>How long one HTTP attempt may take before the client gives up on it.</summary>
    public TimeSpan NetworkTimeout { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>For an embeddings deployment: the vector dimension to ask for; <see langword="null"/> for the model's own.</summary>
    public int? Dimensions { get; set; }
}
