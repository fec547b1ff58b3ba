using System.ClientModel;
using System.Text.Json;
using Frugal.Emulator;
using Frugal.Models;
using Json.Schema;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.ML.Tokenizers;

namespace Frugal.Core.Tests.Models;

/// <summary>The model tiers, called through the real Azure OpenAI and OpenAI clients against the emulator.</summary>
public sealed class HostedModelTests
{
    private static readonly TiktokenTokenizer Tokenizer = TiktokenTokenizer.CreateForEncoding("o200k_base");

    [Fact]
    public async Task GetResponseAsync_CheapTier_AnswersWithUsageCountedByTokenizer()
    {
        await using var models = await EmulatedModels.StartAsync();
        const string Prompt = "Summarise the invoice dispute with Contoso. The customer was billed twice.";

        var response = await models.Cheap.GetResponseAsync(
            [new ChatMessage(ChatRole.System, "You are terse."), new ChatMessage(ChatRole.User, Prompt)]);

        Assert.StartsWith("[gpt-4o-mini] Summarise the invoice dispute with Contoso.", response.Text, StringComparison.Ordinal);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        var expectedPrompt = 3 + (3 + Count("system") + Count("You are terse.")) + (3 + Count("user") + Count(Prompt));
        Assert.Equal(expectedPrompt, response.Usage?.InputTokenCount);
        Assert.Equal(Count(response.Text), response.Usage?.OutputTokenCount);
        Assert.Equal(1, models.Emulator.Counters.ChatCompletions);
        Assert.Equal(expectedPrompt, models.Emulator.Counters.PromptTokens);
    }

    [Fact]
    public async Task GetResponseAsync_SamePromptTwice_SameAnswer()
    {
        await using var models = await EmulatedModels.StartAsync();

        var first = await models.Premium.GetResponseAsync("Which region hosts the ledger database? Answer briefly.");
        var second = await models.Premium.GetResponseAsync("Which region hosts the ledger database? Answer briefly.");
        var other = await models.Premium.GetResponseAsync("Who approved the budget change?");

        Assert.Equal(first.Text, second.Text);
        Assert.NotEqual(first.Text, other.Text);
        Assert.StartsWith("[gpt-4o] ", first.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetResponseAsync_JsonSchemaFormat_AnswerValidatesAgainstSchema()
    {
        await using var models = await EmulatedModels.StartAsync();
        var schema = JsonDocument.Parse("""
            {
              "type": "object",
              "properties": {
                "label": { "type": "string", "enum": ["billing", "technical", "account"] },
                "confidence": { "type": "number", "minimum": 0, "maximum": 1 },
                "priority": { "type": "integer", "minimum": 1, "maximum": 5 },
                "reason": { "type": "string", "maxLength": 40 },
                "tags": { "type": "array", "items": { "type": "string" }, "minItems": 1 },
                "urgent": { "type": "boolean" }
              },
              "required": ["label", "confidence", "priority", "reason", "tags", "urgent"],
              "additionalProperties": false
            }
            """).RootElement;
        var options = new ChatOptions { ResponseFormat = ChatResponseFormat.ForJsonSchema(schema, "ticket") };

        var response = await models.Cheap.GetResponseAsync("My card was charged twice for the same order.", options);

        var result = JsonSchema.FromText(schema.GetRawText())
            .Evaluate(JsonDocument.Parse(response.Text).RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        Assert.True(result.IsValid, response.Text);
    }

    [Fact]
    public async Task GetResponseAsync_MaxOutputTokens_TruncatesWithFinishReasonLength()
    {
        await using var models = await EmulatedModels.StartAsync();

        var response = await models.Cheap.GetResponseAsync(
            "Explain the quarterly revenue variance across every European subsidiary in detail.",
            new ChatOptions { MaxOutputTokens = 4 });

        Assert.Equal(ChatFinishReason.Length, response.FinishReason);
        Assert.Equal(4, response.Usage?.OutputTokenCount);
        Assert.Equal(4, Count(response.Text));
    }

    [Fact]
    public async Task GetStreamingResponseAsync_CheapTier_StreamsSameAnswerAsWhole()
    {
        await using var models = await EmulatedModels.StartAsync();
        const string Prompt = "List the steps to rotate the storage account keys.";

        var whole = await models.Cheap.GetResponseAsync(Prompt);
        var streamed = await models.Cheap.GetStreamingResponseAsync(Prompt).ToChatResponseAsync();

        Assert.Equal(whole.Text, streamed.Text);
        Assert.Equal(whole.Usage?.OutputTokenCount, streamed.Usage?.OutputTokenCount);
    }

    [Fact]
    public async Task GenerateAsync_Embeddings_DeterministicUnitVectors()
    {
        await using var models = await EmulatedModels.StartAsync();
        var generator = models.Services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();

        var embeddings = await generator.GenerateAsync(["refund a double charge", "refund a double charge", "reset my password"]);

        Assert.Equal(3, embeddings.Count);
        Assert.Equal(384, embeddings[0].Vector.Length);
        Assert.Equal(1.0, Norm(embeddings[0].Vector.Span), 3);
        Assert.Equal(embeddings[0].Vector.ToArray(), embeddings[1].Vector.ToArray());
        Assert.NotEqual(embeddings[0].Vector.ToArray(), embeddings[2].Vector.ToArray());
        Assert.Equal(Count("refund a double charge") * 2 + Count("reset my password"), embeddings.Usage?.InputTokenCount);
    }

    [Fact]
    public async Task GenerateAsync_DimensionsConfigured_HonoursDimensions()
    {
        await using var models = await EmulatedModels.StartAsync(
            extraSettings: new Dictionary<string, string?> { ["Frugal:Models:Embeddings:Dimensions"] = "64" });
        var generator = models.Services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();

        var embedding = await generator.GenerateAsync("hello world");

        Assert.Equal(64, embedding.Vector.Length);
    }

    [Fact]
    public async Task GenerateAsync_DimensionsTheModelDoesNotHave_400WithCodeNullThatTheClientReads()
    {
        // The emulator's refusals carry "code": null, as the service's do; the Azure OpenAI client still reads them.
        await using var models = await EmulatedModels.StartAsync(
            extraSettings: new Dictionary<string, string?> { ["Frugal:Models:Embeddings:Dimensions"] = "2000" });
        var generator = models.Services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();

        var error = await Assert.ThrowsAsync<ClientResultException>(() => generator.GenerateAsync("hello world"));

        Assert.Equal(400, error.Status);
        Assert.Contains("'dimensions' must be at most 1536 for text-embedding-3-small, which has 1536 (was 2000).", error.Message, StringComparison.Ordinal);
        Assert.Contains("\"code\":null", error.GetRawResponse()?.Content.ToString(), StringComparison.Ordinal);
        Assert.Equal(1, models.Emulator.Counters.BadRequests);
    }

    [Fact]
    public async Task GetResponseAsync_RateLimitedWithRetryAfter_ClientRetriesAndSucceeds()
    {
        var options = new EmulatorOptions { ApiKey = EmulatedModels.ApiKey, Seed = 7 };
        options.Deployments["gpt-4o-mini"] = new DeploymentOptions { RateLimitRate = 0.5, RetryAfterSeconds = 0 };
        await using var models = await EmulatedModels.StartAsync(
            options, extraSettings: new Dictionary<string, string?> { ["Frugal:Models:Resilience:BaseDelay"] = "00:00:00.010" });

        for (var i = 0; i < 6; i++)
        {
            var response = await models.Cheap.GetResponseAsync($"Question number {i}");
            Assert.Contains("[gpt-4o-mini]", response.Text, StringComparison.Ordinal);
        }

        var counters = models.Emulator.Counters;
        Assert.True(counters.RateLimited > 0, "The seed should inject at least one 429.");
        Assert.Equal(6, counters.ChatCompletions);
        Assert.Equal(6 + counters.RateLimited, counters.RequestsFor("gpt-4o-mini"));
    }

    [Fact]
    public async Task GetResponseAsync_RetryAfterLongerThanTheCallsTime_FailsAtOnceInsteadOfWaitingItOut()
    {
        // The retry waited 30 s of a 20 s total and failed at the total timeout; now the first 429 ends the call.
        var options = new EmulatorOptions { ApiKey = EmulatedModels.ApiKey };
        options.Deployments["gpt-4o-mini"] = new DeploymentOptions { RateLimitRate = 1.0, RetryAfterSeconds = 30 };
        await using var models = await EmulatedModels.StartAsync(
            options, extraSettings: new Dictionary<string, string?> { ["Frugal:Models:Resilience:TotalTimeout"] = "00:00:20" });

        var error = await Assert.ThrowsAsync<ClientResultException>(() => models.Cheap.GetResponseAsync("Hello"));

        Assert.Equal(429, error.Status);
        Assert.Equal(1, models.Emulator.Counters.RateLimited);
    }

    [Fact]
    public async Task GetResponseAsync_SecondRetryAfterLongerThanTheTimeLeft_FailsAtOnceAsA429()
    {
        // Each 429 asks for 3 s of a 5 s total. The first wait fits (unless the first answer took over 2 s); after it, at
        // most 2 s is left, so the second 429 ends the call. Compared with the whole total, the second wait was taken too
        // and the total timeout cut it off: the call failed as a timeout, not as the 429 the service answered.
        var options = new EmulatorOptions { ApiKey = EmulatedModels.ApiKey };
        options.Deployments["gpt-4o-mini"] = new DeploymentOptions { RateLimitRate = 1.0, RetryAfterSeconds = 3 };
        await using var models = await EmulatedModels.StartAsync(
            options, extraSettings: new Dictionary<string, string?> { ["Frugal:Models:Resilience:TotalTimeout"] = "00:00:05" });

        // The process's first model call (the client, the pipeline and the emulator compiled on first use) can take
        // over 2 s on a loaded machine; a call to the other deployment takes that first.
        await models.Premium.GetResponseAsync("Hello");

        var error = await Assert.ThrowsAsync<ClientResultException>(() => models.Cheap.GetResponseAsync("Hello"));

        Assert.Equal(429, error.Status);
        Assert.Equal(2, models.Emulator.Counters.RateLimited);
    }

    [Theory]
    [InlineData("retry-after-ms", "1500", null, 1500.0)]
    [InlineData(null, null, "7", 7000.0)]
    [InlineData(null, null, "0", 0.0)]
    [InlineData(null, null, null, null)]
    [InlineData("retry-after-ms", "1e300", null, 86_400_000.0)]
    [InlineData("retry-after-ms", "Infinity", "3", 3000.0)]
    public void RetryAfter_Headers_ReadAsTheWaitTheServiceAsksFor(string? msHeader, string? msValue, string? retryAfter, double? expectedMs)
    {
        using var response = new HttpResponseMessage(System.Net.HttpStatusCode.TooManyRequests);
        if (msHeader is not null)
        {
            response.Headers.TryAddWithoutValidation(msHeader, msValue);
        }

        if (retryAfter is not null)
        {
            response.Headers.TryAddWithoutValidation("Retry-After", retryAfter);
        }

        var wait = Microsoft.Extensions.DependencyInjection.ModelHttpClientServiceCollectionExtensions.RetryAfter(response, TimeProvider.System);

        Assert.Equal(expectedMs, wait?.TotalMilliseconds);
    }

    [Fact]
    public async Task GetResponseAsync_ServerErrorAtRateOne_ThrowsWithStatus500()
    {
        var options = new EmulatorOptions { ApiKey = EmulatedModels.ApiKey };
        options.Deployments["gpt-4o"] = new DeploymentOptions { ServerErrorRate = 1.0 };
        await using var models = await EmulatedModels.StartAsync(
            options,
            extraSettings: new Dictionary<string, string?>
            {
                ["Frugal:Models:Resilience:MaxRetries"] = "1",
                ["Frugal:Models:Resilience:BaseDelay"] = "00:00:00.010",
            });

        var error = await Assert.ThrowsAsync<ClientResultException>(() => models.Premium.GetResponseAsync("Hello"));

        Assert.Equal(500, error.Status);
        Assert.Contains("injected fault", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, models.Emulator.Counters.ServerErrors);
    }

    [Fact]
    public async Task GetResponseAsync_ThrottledOverAndOver_DoesNotOpenTheCircuit()
    {
        // A 429 is the service pacing the caller; counted as a failure it opened the circuit under load.
        var options = new EmulatorOptions { ApiKey = EmulatedModels.ApiKey };
        options.Deployments["gpt-4o-mini"] = new DeploymentOptions { RateLimitRate = 1.0, RetryAfterSeconds = 0 };
        await using var models = await EmulatedModels.StartAsync(
            options,
            extraSettings: new Dictionary<string, string?>
            {
                ["Frugal:Models:Resilience:MaxRetries"] = "2",
                ["Frugal:Models:Resilience:BaseDelay"] = "00:00:00.010",
                ["Frugal:Models:Resilience:CircuitMinimumThroughput"] = "2",
            });

        for (var i = 0; i < 3; i++)
        {
            var error = await Assert.ThrowsAsync<ClientResultException>(() => models.Cheap.GetResponseAsync($"Hello {i}"));
            Assert.Equal(429, error.Status);
        }

        Assert.Equal(9, models.Emulator.Counters.RateLimited);
    }

    [Fact]
    public async Task GetResponseAsync_BurstAgainstADeploymentFailingHalfItsAttempts_RetriesAbsorbItAndTheCircuitStaysClosed()
    {
        // Failed attempts come back at once and answers after the model's latency, so a burst's first outcomes per
        // attempt were nearly all failures: the circuit opened and most calls failed, though retries absorb the rate.
        var options = new EmulatorOptions { ApiKey = EmulatedModels.ApiKey, Seed = 7 };
        options.Deployments["gpt-4o-mini"] = new DeploymentOptions { ServerErrorRate = 0.5, LatencyMs = 300 };
        await using var models = await EmulatedModels.StartAsync(
            options,
            extraSettings: new Dictionary<string, string?>
            {
                ["Frugal:Models:Resilience:MaxRetries"] = "5",
                ["Frugal:Models:Resilience:BaseDelay"] = "00:00:00.010",
                ["Frugal:Models:Resilience:CircuitMinimumThroughput"] = "10",
            });

        var calls = Enumerable.Range(0, 60).Select(i => models.Cheap.GetResponseAsync($"Hello {i}")).ToList();
        var outcomes = await Task.WhenAll(calls.Select(async c =>
        {
            try
            {
                await c;
                return "answered";
            }
            catch (Exception ex)
            {
                return ex.GetType().Name;
            }
        }));

        Assert.True(models.Emulator.Counters.ServerErrors > 20, $"{models.Emulator.Counters.ServerErrors} server errors");
        Assert.DoesNotContain(outcomes, o => o.Contains("Circuit", StringComparison.Ordinal));
        Assert.True(outcomes.Count(o => o == "answered") >= 55, string.Join(", ", outcomes.CountBy(o => o)));
    }

    [Fact]
    public async Task GetResponseAsync_DeploymentFailingEveryCall_OpensTheCircuitAfterTheMinimumThroughput()
    {
        var options = new EmulatorOptions { ApiKey = EmulatedModels.ApiKey };
        options.Deployments["gpt-4o-mini"] = new DeploymentOptions { ServerErrorRate = 1.0 };
        await using var models = await EmulatedModels.StartAsync(
            options,
            extraSettings: new Dictionary<string, string?>
            {
                ["Frugal:Models:Resilience:MaxRetries"] = "1",
                ["Frugal:Models:Resilience:BaseDelay"] = "00:00:00.010",
                ["Frugal:Models:Resilience:CircuitMinimumThroughput"] = "2",
            });

        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(500, (await Assert.ThrowsAsync<ClientResultException>(() => models.Cheap.GetResponseAsync($"Hello {i}"))).Status);
        }

        var open = await Assert.ThrowsAnyAsync<Exception>(() => models.Cheap.GetResponseAsync("Hello again"));

        Assert.Contains("circuit", open.ToString(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(4, models.Emulator.Counters.ServerErrors); // two calls of two attempts each; the third sent nothing
    }

    [Fact]
    public async Task GetResponseAsync_DeploymentThatHangs_OpensTheCircuitOnceCallsRunOutOfTime()
    {
        // Inside the total timeout, the breaker saw each hung call end in a cancellation and counted it a success:
        // every call to a hanging deployment waited out its whole time, and the fallback never took over at once.
        var options = new EmulatorOptions { ApiKey = EmulatedModels.ApiKey };
        options.Deployments["gpt-4o-mini"] = new DeploymentOptions { TimeoutRate = 1.0, TimeoutMs = 600_000 };
        await using var models = await EmulatedModels.StartAsync(
            options,
            extraSettings: new Dictionary<string, string?>
            {
                ["Frugal:Models:Resilience:MaxRetries"] = "3",
                ["Frugal:Models:Resilience:BaseDelay"] = "00:00:00.010",
                ["Frugal:Models:Resilience:AttemptTimeout"] = "00:00:00.100",
                ["Frugal:Models:Resilience:TotalTimeout"] = "00:00:00.250",
                ["Frugal:Models:Resilience:CircuitMinimumThroughput"] = "2",
            });

        for (var i = 0; i < 2; i++)
        {
            var hung = await Assert.ThrowsAnyAsync<Exception>(() => models.Cheap.GetResponseAsync($"Hello {i}"));
            Assert.DoesNotContain("BrokenCircuit", hung.ToString(), StringComparison.Ordinal);
        }

        var open = await Assert.ThrowsAnyAsync<Exception>(() => models.Cheap.GetResponseAsync("Hello again"));

        Assert.Contains("BrokenCircuitException", open.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetResponseAsync_PromptTripsTheContentFilter_400ContentFilterSentOnceNotRetried()
    {
        // A 400 is not transient to the resilience pipeline (HttpClientResiliencePredicates): the same prompt is refused
        // every time, so it is sent once however many retries are configured.
        var options = new EmulatorOptions { ApiKey = EmulatedModels.ApiKey };
        options.Deployments["gpt-4o-mini"] = new DeploymentOptions { PromptFilterRate = 1.0 };
        await using var models = await EmulatedModels.StartAsync(
            options, extraSettings: new Dictionary<string, string?> { ["Frugal:Models:Resilience:MaxRetries"] = "3" });

        var error = await Assert.ThrowsAsync<ClientResultException>(() => models.Cheap.GetResponseAsync("Hello"));

        Assert.Equal(400, error.Status);
        Assert.Contains("\"code\":\"content_filter\"", error.GetRawResponse()?.Content.ToString(), StringComparison.Ordinal);
        Assert.Equal((1, 1), (models.Emulator.Counters.PromptsFiltered, models.Emulator.Counters.RequestsFor("gpt-4o-mini")));
    }

    [Fact]
    public async Task GetResponseAsync_CompletionTripsTheContentFilter_FinishReasonContentFilterNoTextAndTokensBilled()
    {
        const string Prompt = "Describe the storm damage at the depot.";
        await using var unfiltered = await EmulatedModels.StartAsync();
        var whole = await unfiltered.Cheap.GetResponseAsync(Prompt);
        var options = new EmulatorOptions { ApiKey = EmulatedModels.ApiKey };
        options.Deployments["gpt-4o-mini"] = new DeploymentOptions { CompletionFilterRate = 1.0 };
        await using var models = await EmulatedModels.StartAsync(options);

        var cut = await models.Cheap.GetResponseAsync(Prompt);
        var streamed = await models.Cheap.GetStreamingResponseAsync(Prompt).ToChatResponseAsync();

        Assert.All([cut, streamed], response =>
        {
            Assert.Equal(ChatFinishReason.ContentFilter, response.FinishReason);
            Assert.Equal(string.Empty, response.Text);
            Assert.Equal(whole.Usage?.OutputTokenCount, response.Usage?.OutputTokenCount);
        });
        Assert.True(whole.Usage?.OutputTokenCount > 0);
        Assert.Equal(2, models.Emulator.Counters.CompletionsFiltered);
    }

    [Fact]
    public async Task GetResponseAsync_WrongApiKey_ThrowsWithStatus401()
    {
        await using var models = await EmulatedModels.StartAsync(clientKey: "wrong-key");

        var error = await Assert.ThrowsAsync<ClientResultException>(() => models.Cheap.GetResponseAsync("Hello"));

        Assert.Equal(401, error.Status);
        Assert.Contains("the API key is wrong", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, models.Emulator.Counters.Unauthorized);
    }

    [Fact]
    public async Task GetResponseAsync_OpenAIKind_CallsV1Route()
    {
        await using var models = await EmulatedModels.StartAsync(extraSettings: new Dictionary<string, string?>
        {
            ["Frugal:Models:Cheap:Kind"] = "OpenAI",
            ["Frugal:Models:Cheap:Endpoint"] = EmulatedModels.OpenAIEndpointPlaceholder,
            ["Frugal:Models:Cheap:Deployment"] = "llama-3.1-8b",
        });

        var response = await models.Cheap.GetResponseAsync("Name the capital of France.");

        Assert.Equal("[llama-3.1-8b] Name the capital of France. Key points: name, capital, france.", response.Text);
        Assert.Equal(1, models.Emulator.Counters.RequestsFor("llama-3.1-8b"));
    }

    [Theory]
    [InlineData("gpt-4o", 1024, 1024, null, 85 + (170 * 4))]
    [InlineData("gpt-4o", 512, 512, "high", 85 + 170)]
    [InlineData("gpt-4o", 2048, 4096, "auto", 85 + (170 * 6))]
    [InlineData("gpt-4o", 4000, 3000, "low", 85)]
    [InlineData("gpt-4o-mini", 1024, 1024, null, 2833 + (5667 * 4))]
    public async Task GetResponseAsync_ImageInTheMessage_BilledAsOpenAICountsImages(string deployment, int width, int height, string? detail, int imageTokens)
    {
        // Left out of prompt_tokens, a step that sends screenshots or scans cost next to nothing here and a lot live.
        await using var models = await EmulatedModels.StartAsync();
        var client = deployment == "gpt-4o" ? models.Premium : models.Cheap;
        var image = new DataContent(Png(width, height), "image/png");
        if (detail is not null)
        {
            image.AdditionalProperties = new() { ["detail"] = detail };
        }

        var withImage = await client.GetResponseAsync([new ChatMessage(ChatRole.User, [new TextContent("What does this show?"), image])]);
        var withoutImage = await client.GetResponseAsync([new ChatMessage(ChatRole.User, [new TextContent("What does this show?")])]);

        Assert.Equal(withoutImage.Text, withImage.Text);
        Assert.Equal(withoutImage.Usage?.InputTokenCount + imageTokens, withImage.Usage?.InputTokenCount);
    }

    [Fact]
    public async Task GetResponseAsync_LogprobsAsked_OneDeterministicEntryPerOutputTokenWithItsAlternatives()
    {
        // Ignored, a client reading token log probabilities (to score confidence, or escalate on low ones) found none.
        await using var models = await EmulatedModels.StartAsync();
        var chat = new ModelClientFactory().CreateChatClient(new ModelEndpointOptions { Endpoint = models.Emulator.Uri, Deployment = "gpt-4o", ApiKey = EmulatedModels.ApiKey });
        var options = new ChatOptions
        {
            RawRepresentationFactory = _ => new OpenAI.Chat.ChatCompletionOptions { IncludeLogProbabilities = true, TopLogProbabilityCount = 3 },
        };
        const string Prompt = "Is the invoice for order 42 overdue? Answer yes or no.";

        var response = await chat.GetResponseAsync(Prompt, options);
        var again = await chat.GetResponseAsync(Prompt, options);
        var streamedLogprobs = new List<OpenAI.Chat.ChatTokenLogProbabilityDetails>();
        await foreach (var update in chat.GetStreamingResponseAsync(Prompt, options))
        {
            streamedLogprobs.AddRange(((OpenAI.Chat.StreamingChatCompletionUpdate)update.RawRepresentation!).ContentTokenLogProbabilities);
        }

        var logprobs = ((OpenAI.Chat.ChatCompletion)response.RawRepresentation!).ContentTokenLogProbabilities;
        Assert.Equal(Count(response.Text), logprobs.Count);
        Assert.Equal(response.Text, string.Concat(logprobs.Select(l => l.Token)));
        Assert.All(logprobs, l =>
        {
            Assert.InRange(l.LogProbability, float.MinValue, 0);
            Assert.Equal(System.Text.Encoding.UTF8.GetBytes(l.Token), l.Utf8Bytes?.ToArray());
            Assert.Equal(3, l.TopLogProbabilities.Count);
            Assert.Equal(l.Token, l.TopLogProbabilities[0].Token);
            Assert.Equal(3, l.TopLogProbabilities.Select(t => t.Token).Distinct().Count());
            Assert.True(l.TopLogProbabilities.Sum(t => Math.Exp(t.LogProbability)) <= 1);
        });
        var repeated = ((OpenAI.Chat.ChatCompletion)again.RawRepresentation!).ContentTokenLogProbabilities;
        Assert.Equal(logprobs.Select(l => (l.Token, l.LogProbability)), repeated.Select(l => (l.Token, l.LogProbability)));
        Assert.Equal(logprobs.Select(l => (l.Token, l.LogProbability)), streamedLogprobs.Select(l => (l.Token, l.LogProbability)));
    }

    /// <summary>The start of a PNG file, up to the header that gives its size: all the emulator reads of it.</summary>
    private static byte[] Png(int width, int height)
    {
        byte[] header = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, (byte)'I', (byte)'H', (byte)'D', (byte)'R', 0, 0, 0, 0, 0, 0, 0, 0, 8, 6, 0, 0, 0, 0, 0, 0, 0];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(16), width);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(20), height);
        return header;
    }

    private static int Count(string text) => Tokenizer.CountTokens(text);

    private static double Norm(ReadOnlySpan<float> vector)
    {
        double sum = 0;
        foreach (var value in vector)
        {
            sum += value * value;
        }

        return Math.Sqrt(sum);
    }
}
