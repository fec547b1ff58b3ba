using Frugal.Emulator.Chat;
using Frugal.Emulator.Embeddings;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Frugal.Emulator;

/// <summary>Maps the emulator's OpenAI-compatible routes.</summary>
public static class EmulatorEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps <c>POST /openai/deployments/{deployment}/chat/completions</c> and <c>.../embeddings</c> (Azure OpenAI,
    /// any <c>api-version</c>, which they require as Azure does), and <c>POST /v1/chat/completions</c> and
    /// <c>/v1/embeddings</c> (OpenAI, the body's <c>model</c> names the deployment).
    /// </summary>
    /// <param name="endpoints">The route builder.</param>
    /// <returns>The same route builder.</returns>
    public static IEndpointRouteBuilder MapFrugalEmulator(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var chat = endpoints.ServiceProvider.GetRequiredService<ChatCompletionEndpoint>();
        var embeddings = endpoints.ServiceProvider.GetRequiredService<EmbeddingsEndpoint>();

        endpoints.MapPost("/openai/deployments/{deployment}/chat/completions", http => WithApiVersion(http, () => chat.HandleAsync(http, Deployment(http))));
        endpoints.MapPost("/openai/deployments/{deployment}/embeddings", http => WithApiVersion(http, () => embeddings.HandleAsync(http, Deployment(http))));
        endpoints.MapPost("/v1/chat/completions", http => chat.HandleAsync(http, null));
        endpoints.MapPost("/v1/embeddings", http => embeddings.HandleAsync(http, null));
        endpoints.MapGet("/", http => http.Response.WriteAsync("Frugal model emulator", http.RequestAborted));
        return endpoints;
    }

    private static string? Deployment(HttpContext http) => http.GetRouteValue("deployment") as string;

    /// <summary>
    /// Runs <paramref name="handle"/> when the request names an <c>api-version</c> in its query, else answers as Azure
    /// OpenAI does: 404 "Resource not found". Answered anyway, a client that dropped the parameter (one passing it as a
    /// header, or a hand-built URL) worked against the emulator and failed against Azure.
    /// </summary>
    private static Task WithApiVersion(HttpContext http, Func<Task> handle)
    {
        if (!string.IsNullOrEmpty(http.Request.Query["api-version"]))
        {
            return handle();
        }

        http.RequestServices.GetRequiredService<EmulatorCounters>().OnBadRequest();
        return Protocol.ErrorWriter.WriteAsync(http, StatusCodes.Status404NotFound, "Resource not found", "invalid_request_error", code: "404");
    }
}
