using System.ClientModel;
using System.ClientModel.Primitives;
using Azure.AI.OpenAI;
using Azure.Core;
using Azure.Identity;
using Microsoft.Extensions.AI;
using OpenAI;

namespace Frugal.Models;

/// <summary>
/// Builds the raw <see cref="IChatClient"/> and <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> of a hosted
/// model from its <see cref="ModelEndpointOptions"/>: the official Azure OpenAI client for
/// <see cref="ModelEndpointKind.AzureOpenAI"/>, the official OpenAI client for <see cref="ModelEndpointKind.OpenAI"/>.
/// Retries of 429 and 5xx (honouring <c>Retry-After</c>) are the client's own.
/// </summary>
/// <param name="credential">
/// The Entra ID credential for endpoints with <see cref="ModelEndpointOptions.UseManagedIdentity"/>; when
/// <see langword="null"/>, a <see cref="DefaultAzureCredential"/> (with the tier's managed identity client id) is used.
/// </param>
public sealed class ModelClientFactory(TokenCredential? credential = null)
{
    /// <summary>The OpenTelemetry source name of the model clients' traces and metrics.</summary>
    public const string TelemetrySourceName = "Frugal.Models";

    /// <summary>Creates a chat client for a tier.</summary>
    /// <param name="options">The tier's endpoint options (validated).</param>
    /// <returns>A chat client that calls the deployment.</returns>
    public IChatClient CreateChatClient(ModelEndpointOptions options) => CreateChatClient(options, transport: null);

    /// <summary>
    /// Creates a chat client whose HTTP goes through <paramref name="transport"/> (an HttpClient with Frugal's
    /// resilience pipeline); the client library's own retries are then off, so each failure is retried once, there.
    /// </summary>
    /// <param name="options">The endpoint.</param>
    /// <param name="transport">The HttpClient to send with, or null for the client library's own transport and retries.</param>
    public IChatClient CreateChatClient(ModelEndpointOptions options, HttpClient? transport)
    {
        ArgumentNullException.ThrowIfNull(options);
        var deployment = RequireDeployment(options);
        return options.Kind == ModelEndpointKind.OpenAI
            ? CreateOpenAIClient(options, transport).GetChatClient(deployment).AsIChatClient()
            : CreateAzureClient(options, transport).GetChatClient(deployment).AsIChatClient();
    }

    /// <summary>Creates an embedding generator for an embeddings deployment.</summary>
    /// <param name="options">The deployment's endpoint options (validated).</param>
    /// <returns>An embedding generator that calls the deployment.</returns>
    public IEmbeddingGenerator<string, Embedding<float>> CreateEmbeddingGenerator(ModelEndpointOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var deployment = RequireDeployment(options);
        return options.Kind == ModelEndpointKind.OpenAI
            ? CreateOpenAIClient(options, null).GetEmbeddingClient(deployment).AsIEmbeddingGenerator(options.Dimensions)
            : CreateAzureClient(options, null).GetEmbeddingClient(deployment).AsIEmbeddingGenerator(options.Dimensions);
    }

    private AzureOpenAIClient CreateAzureClient(ModelEndpointOptions options, HttpClient? transport)
    {
        var clientOptions = new AzureOpenAIClientOptions();
        Configure(clientOptions, options, transport);
        var endpoint = RequireEndpoint(options);
        if (options.UseManagedIdentity)
        {
            var tokenCredential = credential ?? new DefaultAzureCredential(new DefaultAzureCredentialOptions
            {
                ManagedIdentityClientId = string.IsNullOrWhiteSpace(options.ManagedIdentityClientId) ? null : options.ManagedIdentityClientId,
            });
            return new AzureOpenAIClient(endpoint, tokenCredential, clientOptions);
        }

        return new AzureOpenAIClient(endpoint, new ApiKeyCredential(RequireApiKey(options)), clientOptions);
    }

    private static OpenAIClient CreateOpenAIClient(ModelEndpointOptions options, HttpClient? transport)
    {
        var clientOptions = new OpenAIClientOptions { Endpoint = RequireEndpoint(options) };
        Configure(clientOptions, options, transport);

        // OpenAI-compatible local servers often need no key, but the client insists on one.
        var key = string.IsNullOrWhiteSpace(options.ApiKey) ? "no-key" : options.ApiKey;
        return new OpenAIClient(new ApiKeyCredential(key), clientOptions);
    }

    private static void Configure(ClientPipelineOptions clientOptions, ModelEndpointOptions options, HttpClient? transport)
    {
        clientOptions.NetworkTimeout = options.NetworkTimeout;
        if (transport is null)
        {
            clientOptions.RetryPolicy = new ClientRetryPolicy(options.MaxRetries);
            return;
        }

        // The transport's resilience pipeline retries and times out each attempt and the whole call
        // (ModelResilienceOptions); the client library's own timeout would wrap all of it and cut it short.
        clientOptions.Transport = new HttpClientPipelineTransport(transport);
        clientOptions.RetryPolicy = new ClientRetryPolicy(0);
        clientOptions.NetworkTimeout = Timeout.InfiniteTimeSpan;
    }

    private static Uri RequireEndpoint(ModelEndpointOptions options) =>
        options.Endpoint ?? throw new ArgumentException("The model endpoint's Endpoint is not set.", nameof(options));

    private static string RequireDeployment(ModelEndpointOptions options) =>
        string.IsNullOrWhiteSpace(options.Deployment)
            ? throw new ArgumentException("The model endpoint's Deployment is not set.", nameof(options))
            : options.Deployment;

    private static string RequireApiKey(ModelEndpointOptions options) =>
        string.IsNullOrWhiteSpace(options.ApiKey)
            ? throw new ArgumentException("The model endpoint's ApiKey is not set and UseManagedIdentity is false.", nameof(options))
            : options.ApiKey;
}
