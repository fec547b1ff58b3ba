using Frugal.Onnx.Routing;
using Frugal.Functions.Telemetry;
using Frugal.Models;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

Frugal.RegexTimeout.Apply();
var builder = FunctionsApplication.CreateBuilder(args);
Frugal.KeyVaultReferences.ThrowIfUnresolved(builder.Configuration);

// The routing feedback store is a SQLite file on the instance's disk; its default (.frugal/feedback.db) is relative to
// the working folder, which on Flex Consumption is the app's read-only package: with the loop on, nothing could start.
if (string.IsNullOrEmpty(builder.Configuration["Frugal:Routing:Feedback:Path"]))
{
    builder.Configuration["Frugal:Routing:Feedback:Path"] = Path.Combine(Path.GetTempPath(), "frugal", "feedback.db");
}
builder.ConfigureFunctionsWebApplication();
builder.UseMiddleware<HttpMetricsMiddleware>();
builder.Services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(
    o => o.Limits.MaxRequestBodySize = Frugal.Api.ApiProtocol.MaxRequestBodyBytes);

builder.Services.AddFrugalEngine();
builder.Services.AddFrugalModels(builder.Configuration);
builder.Services.AddFrugalInference(builder.Configuration);
builder.Services.AddFrugalWorkflows(builder.Configuration);
builder.Services.AddOnnxRouterEmbeddings();
builder.Services.AddFrugalRouters(builder.Configuration);
builder.Services.AddFrugalCosts(builder.Configuration);
builder.Services.AddFrugalBudgets(builder.Configuration);
builder.Services.AddFrugalRoutingFeedback(builder.Configuration);
builder.Services.AddFrugalRetention(builder.Configuration);
builder.Services.AddFrugalTelemetry(builder.Configuration, serviceName: "frugal-functions", hostSources: [FunctionsTelemetry.WorkerSourceName]);

var app = builder.Build();

// A misspelt app setting is ignored by binding without a word (a mistyped budget meant none): say so at start.
var startup = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Frugal.Functions.Startup");
foreach (var line in Frugal.UnknownSettings.Find(builder.Configuration, typeof(Frugal.UnknownSettings).Assembly))
{
    Frugal.Functions.Log.UnknownSetting(startup, line);
}

app.Run();
