using Frugal.Api;
using Frugal.Hosting.Durable;
using Frugal.Workflows;
using Microsoft.Extensions.DependencyInjection;

namespace Frugal.Functions.Tests;

/// <summary>A real durable backend (embedded) and the repository's workflows, for calling function classes directly.</summary>
public sealed class FunctionsHostFixture : IAsyncLifetime
{
    private FrugalLocalHost? _host;

    public FrugalLocalHost Host => _host ?? throw new InvalidOperationException("not started");

    public WorkflowCatalog Catalog { get; } = WorkflowCatalog.LoadFolder(Path.Combine(RepoRoot(), "workflows"));

    public WorkflowApi Api => new(Catalog);

    /// <summary>An orchestrator that stays in flight until it is terminated: a run that has not ended, for certain.</summary>
    public const string WaitingOrchestrator = "WaitsUntilTerminated";

    public async Task InitializeAsync() =>
        _host = await FrugalLocalHost.StartAsync(
            new LocalHostOptions(),
            services => services.AddFrugalEngine(),
            registerTasks: tasks => tasks.AddOrchestratorFunc(WaitingOrchestrator, context => context.WaitForExternalEvent<bool>("never")));

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }

    public static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Functions.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Functions.sln not found");
    }
}
