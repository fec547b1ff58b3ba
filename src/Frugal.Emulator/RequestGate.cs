using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Frugal.Emulator.Protocol;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Frugal.Emulator;

/// <summary>What every model request passes before it is answered: the API key check and the fault draw.</summary>
internal sealed class RequestGate(
    EmulatorOptions options,
    EmulatorCounters counters,
    FaultInjector faults,
    TimeProvider timeProvider,
    ILogger<RequestGate> logger)
{
    private readonly byte[]? _expectedKey = string.IsNullOrEmpty(options.ApiKey) ? null : Encoding.UTF8.GetBytes(options.ApiKey);

    /// <summary>Checks the API key; on a mismatch writes a 401 and returns <see langword="false"/>.</summary>
    public async Task<bool> AuthorizeAsync(HttpContext http)
    {
        counters.OnRequest();
        if (_expectedKey is null)
        {
            return true;
        }

        var presented = http.Request.Headers["api-key"].ToString();
        var authorization = http.Request.Headers.Authorization.ToString();
        if (presented.Length == 0 && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            presented = authorization["Bearer ".Length..].Trim();
        }

        if (CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), _expectedKey))
        {
            return true;
        }

        counters.OnUnauthorized();
        var reason = presented.Length == 0 ? "no API key was sent" : "the API key is wrong";
        Log.Refused(logger, reason);
        await ErrorWriter.WriteAsync(
            http,
            StatusCodes.Status401Unauthorized,
            $"Access denied: {reason}. Send the key configured as {EmulatorOptions.SectionName}:ApiKey in the 'api-key' header or as 'Authorization: Bearer <key>'.",
            "invalid_request_error",
            code: "invalid_api_key");
        return false;
    }

    /// <summary>
    /// Refuses a malformed request with 400 as OpenAI (and Azure OpenAI, passing the model's refusal on) does:
    /// <c>"type": "invalid_request_error"</c>, the field at fault in <c>param</c> and <c>"code": null</c> unless the
    /// service sends a code of its own (<c>context_length_exceeded</c>). The emulator sent <c>"code": "400"</c>, which
    /// neither service does, so a client keying on the code passed against it alone.
    /// </summary>
    public Task RefuseAsync(HttpContext http, string message, string? param, string? code = null)
    {
        counters.OnBadRequest();
        Log.Refused(logger, message);
        return ErrorWriter.WriteAsync(http, StatusCodes.Status400BadRequest, new ErrorBody(message, "invalid_request_error", param, code));
    }

    /// <summary>
    /// Answers a deployment the emulator does not serve (<see cref="EmulatorOptions.StrictDeployments"/>) as Azure OpenAI
    /// does, with 404 <c>DeploymentNotFound</c>, and returns <see langword="true"/>; else <see langword="false"/>.
    /// </summary>
    public async Task<bool> TryRefuseUnknownDeploymentAsync(HttpContext http, string deployment, EmulatorOptions options)
    {
        if (options.Serves(deployment))
        {
            return false;
        }

        counters.OnBadRequest();
        var message = $"The API deployment '{deployment}' does not exist (Emulator:StrictDeployments is on and Emulator:Deployments does not list it).";
        Log.Refused(logger, message);
        await ErrorWriter.WriteAsync(
            http,
            StatusCodes.Status404NotFound,
            message,
            "invalid_request_error",
            code: "DeploymentNotFound");
        return true;
    }

    /// <summary>
    /// Draws a fault for the deployment and returns it, having answered the request with it unless it is
    /// <see cref="FaultKind.None"/> or <see cref="FaultKind.CompletionFilter"/> (see <see cref="Answered"/>): a filtered
    /// completion is answered by the chat endpoint, cut. The content filter's kinds apply to chat completions only
    /// (<paramref name="chat"/>); drawn for another request, they inject nothing.
    /// </summary>
    public async Task<FaultKind> InjectFaultAsync(HttpContext http, string deployment, DeploymentOptions deploymentOptions, bool chat)
    {
        counters.OnDeployment(deployment);
        var fault = faults.DrawFault(deployment, deploymentOptions);
        if (fault == FaultKind.None || (!chat && fault is FaultKind.PromptFilter or FaultKind.CompletionFilter))
        {
            return FaultKind.None;
        }

        counters.OnFault(fault);
        Log.FaultInjected(logger, fault, deployment);
        switch (fault)
        {
            case FaultKind.CompletionFilter:
                return fault;
            case FaultKind.PromptFilter:
                await ErrorWriter.WriteAsync(http, StatusCodes.Status400BadRequest, InjectedContentFilter.PromptRefused);
                break;
            case FaultKind.RateLimit:
                var seconds = deploymentOptions.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
                http.Response.Headers.RetryAfter = seconds;
                await ErrorWriter.WriteAsync(
                    http,
                    StatusCodes.Status429TooManyRequests,
                    $"Requests to deployment '{deployment}' have exceeded the emulated rate limit (injected fault). Retry after {seconds} seconds.",
                    "rate_limit_exceeded",
                    code: "429");
                break;
            case FaultKind.ServerError:
                await ErrorWriter.WriteAsync(
                    http,
                    StatusCodes.Status500InternalServerError,
                    $"The emulated deployment '{deployment}' had an internal error (injected fault).",
                    "server_error");
                break;
            case FaultKind.ServiceUnavailable:
                await ErrorWriter.WriteAsync(
                    http,
                    StatusCodes.Status503ServiceUnavailable,
                    $"The emulated deployment '{deployment}' is unavailable (injected fault).",
                    "server_error");
                break;
            default:
                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(deploymentOptions.TimeoutMs), timeProvider, http.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    // The client gave up first, which is what an injected timeout is for.
                    return fault;
                }

                await ErrorWriter.WriteAsync(
                    http,
                    StatusCodes.Status504GatewayTimeout,
                    $"The emulated deployment '{deployment}' held the request for {deploymentOptions.TimeoutMs.ToString(CultureInfo.InvariantCulture)} ms (injected timeout).",
                    "timeout");
                break;
        }

        return fault;
    }

    /// <summary>Whether <see cref="InjectFaultAsync"/> answered the request with <paramref name="fault"/>.</summary>
    public static bool Answered(FaultKind fault) => fault is not (FaultKind.None or FaultKind.CompletionFilter);
}
