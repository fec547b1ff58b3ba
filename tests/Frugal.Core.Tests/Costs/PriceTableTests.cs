using System.Diagnostics.Metrics;
using Frugal.Costs;

namespace Frugal.Core.Tests.Costs;

public sealed class PriceTableTests
{
    private const string Valid = """
        { "version": "v1",
          "models": { "m": { "input": 2, "cached_input": 1, "output": 10, "reasoning": 20 } },
          "gpu_profiles": { "T4": { "dollars_per_hour": 3.6 } } }
        """;

    [Theory]
    [InlineData("""{ "models": {} }""", "prices.json: version: is missing")]
    [InlineData("""{ "version": "v1" }""", "prices.json: models: is missing")]
    [InlineData("""{ "version": "v1", "models": { "gpt-4o": { "input": 1, "cached_input": 1 } } }""", "prices.json: models.gpt-4o.output: is missing")]
    [InlineData("""{ "version": "v1", "models": { "gpt-4o": { "input": 1, "cached_input": 1, "output": -1 } } }""", "prices.json: models.gpt-4o.output: must be >= 0")]
    [InlineData("""{ "version": "v1", "models": { "gpt-4o": { "input": -0.5, "cached_input": 1, "output": 1 } } }""", "prices.json: models.gpt-4o.input: must be >= 0")]
    [InlineData("""{ "version": "v1", "models": { "gpt-4o": { "input": "2", "cached_input": 1, "output": 1 } } }""", "prices.json: models.gpt-4o.input: must be a number")]
    [InlineData("""{ "version": "v1", "models": { "gpt-4o": 3 } }""", "prices.json: models.gpt-4o: must be an object")]
    [InlineData("""{ "version": "v1", "models": {}, "gpu_profiles": { "T4": {} } }""", "prices.json: gpu_profiles.T4.dollars_per_hour: is missing")]
    [InlineData("""{ "version": "v1", "models": {}, "gpu_profiles": { "T4": { "dollars_per_hour": -3 } } }""", "prices.json: gpu_profiles.T4.dollars_per_hour: must be >= 0")]
    [InlineData("""{ "version": "", "models": {} }""", "prices.json: version: must be a non-empty string")]
    // These passed start-up and failed every step's cost record with System.OverflowException.
    [InlineData("""{ "version": "v1", "models": { "gpt-4o": { "input": 7e28, "cached_input": 1, "output": 1 } } }""", "prices.json: models.gpt-4o.input: must be at most 1000000 dollars a million tokens, found 7e28")]
    [InlineData("""{ "version": "v1", "models": { "gpt-4o": { "input": 1, "cached_input": 1, "output": 1e30 } } }""", "prices.json: models.gpt-4o.output: must be at most 1000000 dollars a million tokens, found 1e30")]
    [InlineData("""{ "version": "v1", "models": { "gpt-4o": { "input": 1, "cached_input": -1e30, "output": 1 } } }""", "prices.json: models.gpt-4o.cached_input: must be >= 0")]
    [InlineData("""{ "version": "v1", "models": {}, "gpu_profiles": { "T4": { "dollars_per_hour": 2000000 } } }""", "prices.json: gpu_profiles.T4.dollars_per_hour: must be at most 1000000 dollars an hour, found 2000000")]
    [InlineData("""{ "version": "v1", "models": { "gpt-4o": { "input": 1, "cached_input": 1, "output": 1 }, "GPT-4o": { "input": 2, "cached_input": 2, "output": 2 } } }""", "prices.json: models.GPT-4o: is given twice (as 'gpt-4o' too; model names match ignoring case); keep one")]
    // Read past without a word, a misspelt or capitalised optional price was a price nobody applied.
    [InlineData("""{ "version": "v1", "models": { "o4-mini": { "input": 1.1, "cached_input": 0.275, "output": 4.4, "Reasoning": 8.8 } } }""", "prices.json: models.o4-mini.Reasoning: is unknown (the fields here: input, cached_input, output, reasoning; a name starting with _ is a note)")]
    [InlineData("""{ "version": "v1", "models": {}, "gpu_profiles": { "T4": { "dollars_per_hour": 0.752, "dollars_per_second": 1 } } }""", "prices.json: gpu_profiles.T4.dollars_per_second: is unknown (the fields here: dollars_per_hour; a name starting with _ is a note)")]
    [InlineData("""{ "version": "v1", "models": {}, "gpu_profile": { "T4": { "dollars_per_hour": 0.752 } } }""", "prices.json: gpu_profile: is unknown (the fields here: version, models, gpu_profiles; a name starting with _ is a note)")]
    [InlineData("""{ "version": "😀", "models": {,} }""", "prices.json: not valid JSON: ',' is an invalid start of a property name. Expected a '\"' (line 1, position 31)")]
    public void Parse_BadField_ThrowsNamingFileAndField(string json, string expected)
    {
        var ex = Assert.Throws<PriceTableException>(() => PriceTable.Parse(json, "prices.json"));

        Assert.Equal(expected, ex.Message);
    }

    [Fact]
    public void Load_InvalidJson_ThrowsNamingFile()
    {
        string path = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(path, "{ \"version\": ");
        try
        {
            var ex = Assert.Throws<PriceTableException>(() => PriceTable.Load(path));

            Assert.Equal(path + ": not valid JSON: Expected depth to be zero at the end of the JSON payload. There is an open JSON object or array that should be closed (line 1, position 14)", ex.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Load_MissingFile_ThrowsNamingFile()
    {
        var ex = Assert.Throws<PriceTableException>(() => PriceTable.Load("/no/such/prices.json"));

        Assert.StartsWith("/no/such/prices.json: cannot read the price file:", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadDefault_EmbeddedFile_HasListPricesForShippedModels()
    {
        var table = PriceTable.LoadDefault();

        Assert.Equal("2025-06-01", table.Version);
        foreach (string model in new[] { "gpt-4o-mini", "gpt-4o", "gpt-4.1", "gpt-4.1-mini", "o4-mini", "text-embedding-3-small" })
        {
            Assert.True(table.TryFind(model, out _), model);
        }

        Assert.Equal(0.15m, table.Models["gpt-4o-mini"].Input);
        Assert.True(table.GpuDollarsPerHour.ContainsKey("NC8as-T4"));
        Assert.True(table.GpuDollarsPerHour.ContainsKey("NC24-A100"));
    }

    [Fact]
    public void LoadDefault_RepositoryFile_IsTheEmbeddedCopy()
    {
        string file = Path.Combine(RepoRoot(), "config", "prices.json");

        var fromFile = PriceTable.Load(file);

        Assert.Equal(PriceTable.LoadDefault().Version, fromFile.Version);
        Assert.Equal(PriceTable.LoadDefault().Models.Count, fromFile.Models.Count);
    }

    [Fact]
    public void Parse_FieldsStartingWithUnderscore_AreNotes()
    {
        var table = PriceTable.Parse("""
            { "version": "v1", "_comment": "list prices", "models": { "m": { "input": 1, "cached_input": 1, "output": 1, "_source": "contract 42" } },
              "gpu_profiles": { "T4": { "dollars_per_hour": 0.752, "_region": "eastus" } } }
            """, "prices.json");

        Assert.True(table.Price("m", new TokenUsage(1, 0, 1, 0)).Priced);
        Assert.Equal(0.752m, table.GpuDollarsPerHour["T4"]);
    }

    [Fact]
    public void Price_KnownModel_SplitsCachedAndReasoningTokens()
    {
        var table = PriceTable.Parse(Valid, "prices.json");

        var price = table.Price("m", new TokenUsage(InputTokens: 1_000_000, CachedInputTokens: 400_000, OutputTokens: 100_000, ReasoningTokens: 50_000));

        // 600k uncached x $2 + 400k cached x $1 + 50k output x $10 + 50k reasoning x $20, per million
        Assert.Equal(1.2m + 0.4m + 0.5m + 1.0m, price.Dollars);
        Assert.True(price.Priced);
        Assert.Equal("v1", price.PriceTableVersion);
    }

    [Fact]
    public void Price_DatedOrPrefixedDeployment_FindsBaseModel()
    {
        var table = PriceTable.LoadDefault();

        Assert.True(table.Price("gpt-4o-mini-2024-07-18", new TokenUsage(1000, 0, 0, 0)).Priced);
        Assert.True(table.Price("azure/gpt-4.1", new TokenUsage(1000, 0, 0, 0)).Priced);
    }

    [Fact]
    public void Price_UnknownModel_IsUnpricedAndNotCountedUntilRecorded()
    {
        string model = "no-such-model-" + Guid.NewGuid().ToString("N");
        long counted = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Frugal" && instrument.Name == "frugal.cost.unpriced")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "gen_ai.request.model" && (string?)tag.Value == model)
                {
                    Interlocked.Add(ref counted, value);
                }
            }
        });
        listener.Start();

        var price = PriceTable.LoadDefault().Price(model, new TokenUsage(1000, 0, 1000, 0));

        Assert.False(price.Priced);
        Assert.Equal(0m, price.Dollars);

        // A price is not a call (a write-ahead bound prices one by its deployment's name): the recorded record counts.
        Assert.Equal(0, Interlocked.Read(ref counted));
    }

    [Fact]
    public void PriceGpu_KnownProfile_PricesPerSecond()
    {
        var table = PriceTable.Parse(Valid, "prices.json");

        Assert.Equal(0.5m, table.PriceGpu("T4", 500).Dollars);
        Assert.False(table.PriceGpu("H100", 1).Priced);
    }

    [Fact]
    public void FromLiteLlm_SampleFile_ImportsTokenPricesPerMillion()
    {
        var table = PriceTable.FromLiteLlm(Path.Combine(AppContext.BaseDirectory, "Costs", "TestData", "litellm_sample.json"));

        Assert.StartsWith("litellm-", table.Version, StringComparison.Ordinal);
        Assert.Equal(new ModelPrice(2.5m, 1.25m, 10m), table.Models["gpt-4o"]);
        Assert.Equal(new ModelPrice(1.1m, 0.275m, 4.4m, 4.4m), table.Models["o4-mini"]);
        Assert.Equal(new ModelPrice(0.02m, 0.02m, 0m), table.Models["text-embedding-3-small"]);
        Assert.False(table.Models.ContainsKey("sample_spec"));
        Assert.False(table.Models.ContainsKey("dall-e-3"));
        Assert.True(table.Price("azure/gpt-4o-mini", new TokenUsage(1_000_000, 0, 0, 0)) is { Priced: true, Dollars: 0.165m });
    }

    [Fact]
    public void FromLiteLlm_ModelPricedOnlyUnderItsAzureName_PricesTheModelAzureNames()
    {
        // Azure OpenAI answers "gpt-4.1-nano-2025-04-14"; LiteLLM had it only as "azure/gpt-4.1-nano": the call was unpriced.
        string path = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(path, """{ "azure/gpt-4.1-nano": { "input_cost_per_token": 1e-7, "output_cost_per_token": 4e-7 } }""");
        try
        {
            var table = PriceTable.FromLiteLlm(path);

            Assert.True(table.Price("gpt-4.1-nano-2025-04-14", new TokenUsage(1_000_000, 0, 1_000_000, 0)) is { Priced: true, Dollars: 0.5m });
            Assert.True(table.Price("gpt-4.1-nano", new TokenUsage(1_000_000, 0, 0, 0)) is { Priced: true, Dollars: 0.1m });
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void FromLiteLlm_NegativeCost_ThrowsNamingFileAndField()
    {
        string path = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(path, """{ "gpt-x": { "input_cost_per_token": 1e-6, "output_cost_per_token": -2e-6 } }""");
        try
        {
            var ex = Assert.Throws<PriceTableException>(() => PriceTable.FromLiteLlm(path));

            Assert.Equal($"{path}: gpt-x.output_cost_per_token: must be >= 0", ex.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Load_NotUtf8_ThrowsNamingTheByteAndWhereItIs()
    {
        // Read with U+FFFD for the byte, so a model name saved as Windows-1252 ('café-model') was priced as another name.
        string path = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllBytes(path, [.. "{ \"version\": \"v1\",\n  \"models\": { \"caf"u8, 0xE9, .. "\": { \"input\": 1, \"cached_input\": 1, \"output\": 1 } } }"u8]);
        try
        {
            var ex = Assert.Throws<PriceTableException>(() => PriceTable.Load(path));

            Assert.StartsWith($"{path}:2:19: the file is not UTF-8 text: byte 0xE9", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void FromLiteLlm_CostPastADollarAToken_ThrowsNamingFileAndField()
    {
        // 1e23 a token, times a million, overflowed decimal: start-up ended with System.OverflowException.
        string path = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(path, """{ "gpt-x": { "input_cost_per_token": 1e23, "output_cost_per_token": 2e-6 } }""");
        try
        {
            var ex = Assert.Throws<PriceTableException>(() => PriceTable.FromLiteLlm(path));

            Assert.Equal($"{path}: gpt-x.input_cost_per_token: must be at most 1 dollars a token, found 1e23", ex.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Price_AtTheHighestPriceAndTheMostTokens_DoesNotOverflow()
    {
        var table = PriceTable.Parse("""{ "version": "v1", "models": { "m": { "input": 1000000, "cached_input": 1000000, "output": 1000000 } } }""", "prices.json");

        var result = table.Price("m", new TokenUsage(long.MaxValue, 0, long.MaxValue, 0));

        Assert.True(result.Priced);
        Assert.True(result.Dollars > 0);
    }

    internal static string RepoRoot()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "Functions.sln")))
        {
            folder = folder.Parent;
        }

        return folder?.FullName ?? throw new InvalidOperationException("Functions.sln not found above " + AppContext.BaseDirectory);
    }
}
