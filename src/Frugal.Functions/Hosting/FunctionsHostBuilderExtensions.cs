using Azure.Core.Serialization;
using Frugal.Api;
using Frugal.Engine;
using Microsoft.Azure.Functions.Worker;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Frugal.Functions.Hosting;

/// <summary>What the Functions app sets up around Frugal's services, so that Program.cs reads as a list.</summary>
internal static class FunctionsHostBuilderExtensions
{
    /// <summary>
    /// Settings the Functions host needs that a local host does not: Key Vault references that did not resolve fail
    /// start-up, the routing feedback file goes to the temp folder, the worker reads request bodies as large as the
    /// Functions host does, and Durable payloads are written as the local host writes them.
    /// </summary>
    public static FunctionsApplicationBuilder AddFunctionsHostDefaults(this FunctionsApplicationBuilder builder)
    {
        KeyVaultReferences.ThrowIfUnresolved(builder.Configuration);

        // The SQLite routing feedback store (Frugal:Routing:Feedback:Store unset or sqlite; infra/ deploys the table
        // store, shared by all instances) is a file on the instance's disk; its default (.frugal/feedback.db) is
        // relative to the working folder, which on Flex Consumption is the app's read-only package: with the loop on,
        // nothing could start.
        if (string.IsNullOrEmpty(builder.Configuration["Frugal:Routing:Feedback:Path"]))
        {
            builder.Configuration["Frugal:Routing:Feedback:Path"] = Path.Combine(Path.GetTempPath(), "frugal", "feedback.db");
        }

        builder.Services.Configure<KestrelServerOptions>(o => o.Limits.MaxRequestBodySize = ApiProtocol.MaxRequestBodyBytes);

        // Every step's request and result is stored in the task hub's history and read again on each replay. The Durable
        // extension serialises them with the worker's serializer (it ignores a DataConverter on purpose, so that its
        // activity bindings agree), whose default wrote every null and zero and each letter outside ASCII as a
        // six-byte \uXXXX: larger histories, more storage transactions, and large messages moved to blobs sooner. With
        // Frugal's options the Functions app writes what the local host writes; either reads the other's messages.
        builder.Services.Configure<WorkerOptions>(o => o.Serializer = new JsonObjectSerializer(FrugalDataConverter.SerializerOptions));
        return builder;
    }

    /// <summary>
    /// Logs each setting nothing reads: binding ignores a misspelt app setting without a word (a mistyped budget meant
    /// none), so it is said at start.
    /// </summary>
    public static IHost LogUnknownSettings(this IHost app, IConfiguration configuration)
    {
        var startup = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Frugal.Functions.Startup");
        foreach (var line in UnknownSettings.Find(configuration, typeof(UnknownSettings).Assembly))
        {
            Log.UnknownSetting(startup, line);
        }

        return app;
    }
}
