using Microsoft.AspNetCore.Http;

namespace Frugal.Emulator.Protocol;

/// <summary>Writes errors in OpenAI's shape: <c>{"error":{"message","type","param","code"}}</c>.</summary>
internal static class ErrorWriter
{
    public static Task WriteAsync(HttpContext http, int status, string message, string type, string? param = null, string? code = null)
    {
        http.Response.StatusCode = status;
        var body = new ErrorResponse(new ErrorBody(message, type, param, code ?? status.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return http.Response.WriteAsJsonAsync(body, EmulatorJsonContext.Default.ErrorResponse, cancellationToken: http.RequestAborted);
    }
}
