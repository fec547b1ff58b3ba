using System.Globalization;
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
            if (result.Location is { } location)
            {
                response.Headers.Location = location;
            }

            if (result.RetryAfterSeconds is { } retry)
            {
                response.Headers.RetryAfter = retry.ToString(CultureInfo.InvariantCulture);
            }

            await response.WriteAsync(result.Body.ToJsonString(), context.HttpContext.RequestAborted);
        }
    }
}
