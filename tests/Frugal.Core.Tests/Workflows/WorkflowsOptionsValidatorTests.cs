using Frugal.Workflows;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Frugal.Core.Tests.Workflows;

/// <summary>Frugal:Workflows:Directory stops the Functions app at start, naming the key, instead of failing its requests.</summary>
public sealed class WorkflowsOptionsValidatorTests
{
    [Fact]
    public void Validate_DirectoryBlankMissingOrAFile_FailsAtStartNamingTheKey()
    {
        // The catalog is read at the first request: a missing folder failed each with DirectoryNotFoundException, and ""
        // read the app's own folder, so every run was refused as naming an unknown workflow.
        var folder = Directory.CreateTempSubdirectory("frugal-workflows-").FullName;
        var file = Path.Combine(folder, "flow.yaml");
        File.WriteAllText(file, "name: x");
        var missing = Path.Combine(folder, "missing");
        try
        {
            foreach (var (directory, expected) in new[]
            {
                ("", "Frugal:Workflows:Directory must name the folder of workflow files (a relative path is taken from the app's folder; the default is 'workflows')."),
                (file, $"Frugal:Workflows:Directory '{file}' is a file; it must name the folder of workflow files."),
                (missing, $"Frugal:Workflows:Directory '{missing}' does not exist; it must name the folder of workflow files."),
                ("no-such-folder", $"Frugal:Workflows:Directory 'no-such-folder' does not exist (taken from the app's folder: {Path.Combine(AppContext.BaseDirectory, "no-such-folder")}); it must name the folder of workflow files."),
            })
            {
                var configuration = new ConfigurationBuilder()
                    .AddInMemoryCollection(new Dictionary<string, string?> { ["Frugal:Workflows:Directory"] = directory })
                    .Build();
                using var services = new ServiceCollection().AddLogging().AddFrugalWorkflows(configuration).BuildServiceProvider();

                var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<WorkflowsOptions>>().Value);

                Assert.Equal([expected], error.Failures);
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
