using Microsoft.AspNetCore.Http;

namespace Frugal.Emulator.Protocol;

/// <summary>Writes errors in OpenAI's shape: <c>{"error":{"message","type","param","code"}}</c>.</summary>
internal static class ErrorWriter
{
    public static Task WriteAsync(HttpContext http, int status, string message, string type, string? param = null, string? code = null) =>
        WriteAsync(http, status, new ErrorBody(message, type, param, code ?? status.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    public static Task WriteAsync(HttpContext http, int status, ErrorBody error)
    {
        http.Response.StatusCode = status;
        return http.Response.WriteAsJsonAsync(new ErrorResponse(error), EmulatorJsonContext.Default.ErrorResponse, cancellationToken: http.RequestAborted);
    }
}
