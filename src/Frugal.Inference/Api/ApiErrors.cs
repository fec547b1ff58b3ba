using System.Text.Encodings.Web;
using System.Text.Json;

namespace Frugal.Inference.Api;

/// <summary>Writes errors in OpenAI's shape: <c>{"error": {"message", "type", "param", "code"}}</c>.</summary>
internal static class ApiErrors
{
    public static Task Write(HttpContext context, int status, string message, string type, string? param, string? code)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        using var buffer = new MemoryStream();
        // Relaxed escaping keeps quotes readable in messages; the body is JSON, never HTML.
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteStartObject("error");
            json.WriteString("message", message);
            json.WriteString("type", type);
            json.WriteString("param", param);
            json.WriteString("code", code);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        return context.Response.Body.WriteAsync(buffer.ToArray()).AsTask();
    }

    public static IResult Result(int status, string message, string type, string? param, string? code) =>
        new ErrorResult(status, message, type, param, code);

    public static IResult BadRequest(string message, string? param, string? code = "invalid_value") =>
        Result(StatusCodes.Status400BadRequest, message, "invalid_request_error", param, code);

    private sealed record ErrorResult(int Status, string Message, string Type, string? Param, string? Code) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext) => Write(httpContext, Status, Message, Type, Param, Code);
    }
}
