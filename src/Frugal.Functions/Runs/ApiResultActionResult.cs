using Frugal.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Frugal.Functions.Runs;

/// <summary>Writes an <see cref="ApiResult"/> as an MVC result.</summary>
internal static class ApiResultActionResult
{
    public static IActionResult From(ApiResult result) => new Writer(result);

    private sealed class Writer(ApiResult result) : IActionResult
    {
        public async Task ExecuteResultAsync(ActionContext context)
        {
            var response = context.HttpContext.Response;
            response.StatusCode = result.StatusCode;
            response.ContentType = result.ContentType;
            foreach (var (name, value) in result.Headers)
            {
                response.Headers[name] = value;
            }

            await response.WriteAsync(result.BodyText, context.HttpContext.RequestAborted);
        }
    }
}
