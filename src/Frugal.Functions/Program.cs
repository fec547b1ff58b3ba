using Frugal.Functions.Hosting;
using Frugal.Functions.Telemetry;
using Frugal.Models;
using Frugal.Onnx.Routing;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

Frugal.RegexTimeout.Apply();
return StartupErrors.RunReportingConfigurationErrors(Console.Error, () =>
{
    var builder = FunctionsApplication.CreateBuilder(args);
    builder.AddFunctionsHostDefaults();
    builder.ConfigureFunctionsWebApplication();
    builder.UseMiddleware<HttpMetricsMiddleware>();

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
    app.LogUnknownSettings(builder.Configuration);
    app.Run();
});
