using Frugal.Api;
using Frugal.Models;
using Frugal.Workflows;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();

builder.Services.AddFrugalEngine();
builder.Services.AddSingleton<WorkflowApi>();

builder.Build().Run();
