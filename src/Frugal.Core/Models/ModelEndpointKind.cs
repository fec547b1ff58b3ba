namespace Frugal.Models;

/// <summary>The protocol a hosted model endpoint speaks.</summary>
public enum ModelEndpointKind
{
    /// <summary>Azure OpenAI: <c>{endpoint}/openai/deployments/{deployment}/...</c>, API key or managed identity.</summary>
    AzureOpenAI,

    /// <summary>Any OpenAI-compatible endpoint: <c>{endpoint}/chat/completions</c> with the deployment as the model name.</summary>
    OpenAI,
}
