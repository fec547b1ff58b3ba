using Frugal.Embeddings;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Frugal.Core.Tests.Embeddings;

/// <summary>The embedding index's settings stop the host at start, naming the key, instead of failing the first lookup or refresh.</summary>
public sealed class EmbeddingIndexOptionsValidatorTests
{
    [Theory]
    [InlineData("BlobContainer", "Frugal_Embeddings", "Frugal:Embeddings:BlobContainer 'Frugal_Embeddings' is not a blob container name")]
    [InlineData("BlobContainer", "ab", "Frugal:Embeddings:BlobContainer 'ab' is not a blob container name")]
    [InlineData("BlobContainer", "frugal--embeddings", "Frugal:Embeddings:BlobContainer 'frugal--embeddings' is not a blob container name")]
    [InlineData("BlobContainer", "-frugal", "Frugal:Embeddings:BlobContainer '-frugal' is not a blob container name")]
    [InlineData("BlobServiceUri", "account.blob.core.windows.net", "Frugal:Embeddings:BlobServiceUri 'account.blob.core.windows.net' must be an absolute http(s) address")]
    [InlineData("BlobConnectionString", "UseDevelopmentStorage=true", "Frugal:Embeddings: set BlobConnectionString or BlobServiceUri, not both")]
    public void Options_Invalid_FailAtStartNamingTheKey(string key, string value, string message)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Frugal:Embeddings:BlobServiceUri"] = "https://account.blob.core.windows.net/",
            [$"Frugal:Embeddings:{key}"] = value,
        };
        using var services = Build(settings);

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<EmbeddingIndexOptions>>().Value);

        Assert.Single(error.Failures);
        Assert.StartsWith(message, error.Failures.Single(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Frugal:Embeddings:BlobServiceUri", "https://account.blob.core.windows.net/")]
    [InlineData("Frugal:Embeddings:BlobConnectionString", "UseDevelopmentStorage=true")]
    [InlineData("Frugal:Embeddings:IndexPath", "/var/frugal/embeddings")]
    public void Options_AsShippedAndDocumented_AreAccepted(string key, string value)
    {
        using var services = Build(new Dictionary<string, string?> { [key] = value });

        Assert.NotNull(services.GetRequiredService<IOptions<EmbeddingIndexOptions>>().Value);
    }

    [Fact]
    public void Options_BlobConnectionStringNotAConnectionString_FailsAtStartNamingTheKey()
    {
        // Found only at the first semantic lookup, whose step failed three times with "Settings must be of the form "name=value"".
        using var services = Build(new Dictionary<string, string?> { ["Frugal:Embeddings:BlobConnectionString"] = "garbage" });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<EmbeddingIndexOptions>>().Value);

        Assert.StartsWith("Frugal:Embeddings:BlobConnectionString is not an Azure Storage connection string (", Assert.Single(error.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public void Options_EmptyIndexPathWithoutBlobStore_FailsAtStart()
    {
        using var services = Build(new Dictionary<string, string?> { ["Frugal:Embeddings:IndexPath"] = " " });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<EmbeddingIndexOptions>>().Value);

        Assert.Equal(["Frugal:Embeddings:IndexPath must name a folder when no blob store is set."], error.Failures);
    }

    [Fact]
    public void Options_IndexPathThatIsAFile_FailsAtStart()
    {
        // Start-up passed, and the first semantic lookup failed its step three times with "The file '...' already exists".
        var file = Path.GetTempFileName();
        try
        {
            using var services = Build(new Dictionary<string, string?> { ["Frugal:Embeddings:IndexPath"] = file });

            var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<EmbeddingIndexOptions>>().Value);

            Assert.Equal([$"Frugal:Embeddings:IndexPath '{file}' is a file; it must name a folder (made when missing), where the embeddings of semantic lookup tables are kept."], error.Failures);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void FeedbackOptions_PathThatIsNotSqlite_FailAtStartNamingTheKey()
    {
        // Start-up passed, and every POST /api/runs/{id}/feedback was then a 500 "SQLite Error 26: 'file is not a database'".
        var folder = Directory.CreateTempSubdirectory("frugal-feedback-").FullName;
        var file = Path.Combine(folder, "notes.txt");
        File.WriteAllText(file, "not a database");
        try
        {
            foreach (var (path, expected) in new[] { (file, $"Frugal:Routing:Feedback:Path: '{file}' is not a SQLite database (a feedback store is one)"), (folder, $"Frugal:Routing:Feedback:Path: '{folder}' is a folder, not a SQLite file") })
            {
                var configuration = new ConfigurationBuilder()
                    .AddInMemoryCollection(new Dictionary<string, string?> { ["Frugal:Routing:Feedback:Enabled"] = "true", ["Frugal:Routing:Feedback:Path"] = path })
                    .Build();
                using var services = new ServiceCollection().AddFrugalRoutingFeedback(configuration).BuildServiceProvider();

                var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<Frugal.Routing.Feedback.RoutingFeedbackOptions>>().Value);

                Assert.Equal([expected], error.Failures);
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void FeedbackOptions_EnabledWithoutPath_FailAtStart()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Frugal:Routing:Feedback:Enabled"] = "true", ["Frugal:Routing:Feedback:Path"] = "" })
            .Build();
        using var services = new ServiceCollection().AddFrugalRoutingFeedback(configuration).BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<Frugal.Routing.Feedback.RoutingFeedbackOptions>>().Value);

        Assert.Equal(["Frugal:Routing:Feedback:Path must name a file when Enabled is true."], error.Failures);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddFrugalInference(configuration).BuildServiceProvider();
    }
}
