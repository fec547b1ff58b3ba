using Frugal;
using Frugal.Inference.Api;
using Frugal.Inference.Hosting;
using Frugal.Inference.Security;

RegexTimeout.Apply();
var builder = WebApplication.CreateBuilder(args);

builder.AddInferenceOptions();
builder.AddOnnxModels();
builder.AddInferenceTelemetry();

try
{
    var app = builder.Build();
    app.CheckSettings();

    app.UseUnroutedRequestErrors();
    app.UseApiKeys();

    app.MapHealth();
    app.MapEmbeddings();
    app.MapClassify();
    app.MapMetrics();

    // Taken before Run, which disposes the services: a failed model load stops the app with exit code 1.
    var failure = app.Services.GetRequiredService<StartupFailure>();
    app.Run();
    return failure.Failed ? 1 : 0;
}
catch (Exception ex) when (ConfigurationErrors.Describe(ex) is { } errors)
{
    foreach (var error in errors)
    {
        Console.Error.WriteLine(error);
    }

    return 2;
}

/// <summary>The inference app's entry point (public for WebApplicationFactory).</summary>
public partial class Program;
