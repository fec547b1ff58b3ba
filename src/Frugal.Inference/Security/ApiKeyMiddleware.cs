using System.Net;
using System.Security.Cryptography;
using System.Text;
using Frugal.Inference.Api;
using Frugal.Inference.Hosting;
using Microsoft.Extensions.Options;

namespace Frugal.Inference.Security;

/// <summary>
/// Requires the configured key on every path but <c>/healthz</c> (probes carry no key), sent as <c>api-key</c> (as Azure
/// OpenAI does) or <c>Authorization: Bearer</c>. Loopback callers may be let in without a key when
/// <see cref="InferenceOptions.AllowAnonymousLoopback"/> is set. The key is compared in constant time and never logged.
/// </summary>
internal sealed class ApiKeyMiddleware(RequestDelegate next, IOptions<InferenceOptions> options, ILogger<ApiKeyMiddleware> logger)
{
    private readonly byte[]? expected = options.Value.ApiKey is { Length: > 0 } key ? SHA256.HashData(Encoding.UTF8.GetBytes(key)) : null;
    private readonly bool anonymousLoopback = options.Value.AllowAnonymousLoopback;

    public Task InvokeAsync(HttpContext context)
    {
        if (context.Request.Path.StartsWithSegments("/healthz", StringComparison.OrdinalIgnoreCase))
        {
            return next(context);
        }

        var presented = ReadKey(context.Request);
        if (presented is null && anonymousLoopback && context.Connection.RemoteIpAddress is { } remote && IPAddress.IsLoopback(remote))
        {
            return next(context);
        }

        string reason;
        if (presented is null)
        {
            reason = "No API key: send it in the 'api-key' header or as 'Authorization: Bearer <key>'.";
        }
        else if (expected is not null && CryptographicOperations.FixedTimeEquals(expected, SHA256.HashData(Encoding.UTF8.GetBytes(presented))))
        {
            return next(context);
        }
        else
        {
            reason = "The API key is not valid.";
        }

        Log.Unauthorized(logger, context.Request.Method, context.Request.Path, context.Connection.RemoteIpAddress?.ToString(), reason);
        context.Response.Headers.WWWAuthenticate = "Bearer";
        return ApiErrors.Write(context, StatusCodes.Status401Unauthorized, reason, "invalid_request_error", null, "invalid_api_key");
    }

    private static string? ReadKey(HttpRequest request)
    {
        if (request.Headers["api-key"].ToString() is { Length: > 0 } key)
        {
            return key;
        }

        var authorization = request.Headers.Authorization.ToString();
        return authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && authorization.Length > 7
            ? authorization[7..].Trim()
            : null;
    }
}
