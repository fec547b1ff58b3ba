namespace Frugal.Inference.Api;

/// <summary>
/// A path the app does not serve (404) or a method its routes do not take (405), answered in the API's error shape:
/// they were empty answers, so an endpoint configured with a wrong path (<c>https://host/api</c>) read only "The
/// inference app answered 404 Not Found", with nothing to say which paths there are.
/// </summary>
internal static class UnroutedRequests
{
    public static WebApplication UseUnroutedRequestErrors(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            await next(context);
            if (context.Response.HasStarted || context.Response.StatusCode is not (StatusCodes.Status404NotFound or StatusCodes.Status405MethodNotAllowed))
            {
                return;
            }

            var request = $"{context.Request.Method} {context.Request.Path}";
            var (message, code) = context.Response.StatusCode == StatusCodes.Status404NotFound
                ? ($"Invalid URL ({request}): the app serves POST /v1/embeddings, POST /v1/classify, GET /healthz and GET /metrics.", "not_found")
                : ($"Invalid method for URL ({request}).", "method_not_allowed");
            await ApiErrors.Write(context, context.Response.StatusCode, message, "invalid_request_error", null, code);
        });
        return app;
    }
}
