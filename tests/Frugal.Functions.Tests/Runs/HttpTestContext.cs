using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;

namespace Frugal.Functions.Tests.Runs;

/// <summary>Builds requests for function classes and reads what their results write.</summary>
internal static class HttpTestContext
{
    // A run's status holds its output two levels down, and an output may be as deep as a run input (64 levels).
    private static readonly System.Text.Json.JsonDocumentOptions DeepBodies = new() { MaxDepth = 2 * Frugal.JsonInput.MaxDepth };

    public static HttpRequest Request(string method, string? body = null, string? tenant = null, string? path = null, string? query = null)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Request.Path = path ?? string.Empty;
        context.Request.QueryString = new QueryString(query);
        context.Request.Scheme = "http";
        context.Request.Host = new HostString("127.0.0.1", 7071);
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(body ?? string.Empty));
        if (tenant is not null)
        {
            context.Request.Headers["x-frugal-tenant"] = tenant;
        }

        context.Response.Body = new MemoryStream();
        return context.Request;
    }

    public static async Task<(int Status, string ContentType, JsonNode? Body, IHeaderDictionary Headers)> ExecuteAsync(IActionResult result, HttpRequest request)
    {
        var context = request.HttpContext;
        await result.ExecuteResultAsync(new ActionContext(context, new RouteData(), new ActionDescriptor()));
        context.Response.Body.Position = 0;
        var text = await new StreamReader(context.Response.Body).ReadToEndAsync();
        return (context.Response.StatusCode, context.Response.ContentType ?? string.Empty, text.Length == 0 ? null : JsonNode.Parse(text, documentOptions: DeepBodies), context.Response.Headers);
    }
}
