using Frugal.Inference.Hosting;
using Microsoft.Extensions.Options;

namespace Frugal.Inference.Security;

/// <summary>Adds <see cref="ApiKeyMiddleware"/> to the pipeline.</summary>
internal static class ApiKeyExtensions
{
    public static WebApplication UseApiKeys(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<InferenceOptions>>().Value.AllowAnonymousLoopback)
        {
            Log.AnonymousLoopback(app.Logger);
        }

        app.UseMiddleware<ApiKeyMiddleware>();
        return app;
    }
}
