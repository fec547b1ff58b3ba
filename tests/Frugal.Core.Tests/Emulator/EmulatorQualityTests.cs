using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Frugal.Emulator;
using Frugal.Routing;
using Microsoft.Extensions.Options;

namespace Frugal.Core.Tests.Emulator;

/// <summary>The emulator marks answers correct or wrong from a labelled CSV, per deployment tier.</summary>
public sealed class EmulatorQualityTests : IDisposable
{
    private const string Labelled = "id,source,prompt,cheap_score,premium_score\n" +
                                    "q1,gsm8k,\"Tom has 3 apples and buys 5 more.\nHow many apples does he have?\",0,1\n" +
                                    "q2,mmlu/x,Which planet is known as the red planet?,1,1\n";

    private readonly string folder = Directory.CreateTempSubdirectory("frugal-quality-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Theory]
    [InlineData("cheap-model", "Tom has 3 apples and buys 5 more.\nHow many apples does he have?", "WRONG: ")]
    [InlineData("premium-model", "Tom has 3 apples and buys 5 more.\nHow many apples does he have?", "CORRECT: ")]
    [InlineData("cheap-model", "  which planet is KNOWN as the red   planet?  ", "CORRECT: ")]
    [InlineData("cheap-model", "Answer briefly.\n\nTom has 3 apples and buys 5 more. How many apples does he have?", "WRONG: ")]
    public async Task ChatCompletions_LabelledPrompt_MarksByTierScore(string deployment, string prompt, string expectedStart)
    {
        await using var emulator = await StartAsync();

        var answer = await AskAsync(emulator, deployment, prompt, responseFormat: null);

        Assert.StartsWith(expectedStart, answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChatCompletions_UnlabelledPromptOrUntieredDeployment_LeavesAnswerUnmarked()
    {
        await using var emulator = await StartAsync();

        var unknown = await AskAsync(emulator, "cheap-model", "Something nobody labelled", responseFormat: null);
        var untiered = await AskAsync(emulator, "other", "Which planet is known as the red planet?", responseFormat: null);

        Assert.StartsWith("[cheap-model]", unknown, StringComparison.Ordinal);
        Assert.StartsWith("[other]", untiered, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChatCompletions_JsonSchemaWithCorrectProperty_SetsIt()
    {
        await using var emulator = await StartAsync();
        static JsonObject Format() => new()
        {
            ["type"] = "json_schema",
            ["json_schema"] = new JsonObject
            {
                ["name"] = "answer",
                ["schema"] = JsonNode.Parse("""{"type":"object","properties":{"answer":{"type":"string"},"correct":{"type":"boolean"}},"required":["answer","correct"]}"""),
            },
        };

        var premium = JsonNode.Parse(await AskAsync(emulator, "premium-model", "Tom has 3 apples and buys 5 more.\nHow many apples does he have?", Format()))!;
        var cheap = JsonNode.Parse(await AskAsync(emulator, "cheap-model", "Tom has 3 apples and buys 5 more.\nHow many apples does he have?", Format()))!;

        Assert.True(premium["correct"]!.GetValue<bool>());
        Assert.False(cheap["correct"]!.GetValue<bool>());
    }

    [Fact]
    public async Task StartAsync_BadQualityFile_ThrowsNamingLine()
    {
        var path = Path.Combine(folder, "bad.csv");
        File.WriteAllText(path, "id,source,prompt,cheap_score,premium_score\nq1,s,p,yes,1\n");
        var options = Options(path);

        var ex = await Assert.ThrowsAsync<RoutingDataException>(() => EmulatorServer.StartAsync(options, 0, CancellationToken.None));

        Assert.Equal($"{path}:2: 'cheap_score' is 'yes', not a number.", ex.Message);
    }

    [Fact]
    public async Task StartAsync_BadTierOrMissingFile_ThrowsNamingKeys()
    {
        var options = Options(Path.Combine(folder, "none.csv"));
        options.Deployments["cheap-model"].QualityTier = "medium";

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => EmulatorServer.StartAsync(options, 0, CancellationToken.None));

        Assert.Contains("Emulator:Deployments:cheap-model:QualityTier must be 'cheap' or 'premium' (was 'medium').", ex.Failures);
        Assert.Contains($"Emulator:QualityData: the file '{Path.Combine(folder, "none.csv")}' does not exist.", ex.Failures);
    }

    private static EmulatorOptions Options(string qualityData)
    {
        var options = new EmulatorOptions { QualityData = qualityData };
        options.Deployments["cheap-model"] = new DeploymentOptions { QualityTier = "cheap" };
        options.Deployments["premium-model"] = new DeploymentOptions { QualityTier = "premium" };
        return options;
    }

    private Task<EmulatorHandle> StartAsync()
    {
        var path = Path.Combine(folder, "labelled.csv");
        File.WriteAllText(path, Labelled);
        return EmulatorServer.StartAsync(Options(path), 0, CancellationToken.None);
    }

    private static async Task<string> AskAsync(EmulatorHandle emulator, string deployment, string prompt, JsonObject? responseFormat)
    {
        using var http = new HttpClient { BaseAddress = emulator.Uri };
        var body = new JsonObject { ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = prompt }) };
        if (responseFormat is not null)
        {
            body["response_format"] = responseFormat;
        }

        using var response = await http.PostAsJsonAsync($"openai/deployments/{deployment}/chat/completions?api-version=2024-10-21", body);
        response.EnsureSuccessStatusCode();
        var json = await response.Content.ReadFromJsonAsync<JsonObject>();
        return json!["choices"]![0]!["message"]!["content"]!.GetValue<string>();
    }
}
