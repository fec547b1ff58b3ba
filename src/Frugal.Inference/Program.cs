using Frugal.Inference.Api;
using Frugal.Inference.Hosting;
using Frugal.Inference.Security;

var builder = WebApplication.CreateBuilder(args);

builder.AddInferenceOptions();
builder.AddOnnxModels();
builder.AddInferenceTelemetry();

var app = builder.Build();

app.UseApiKeys();

app.MapHealth();
app.MapEmbeddings();
app.MapClassify();
app.MapMetrics();

app.Run();

/// <summary>The inference app's entry point (public for WebApplicationFactory).</summary>
public partial class Program;
