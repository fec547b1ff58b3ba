using System.Net;
using System.Runtime.InteropServices;

namespace Frugal.Inference.Tests.Api;

[Collection(RunningService.Name)]
public sealed class EmbeddingsEndpointTests(ServiceFixture service)
{
    [Fact]
    public async Task Embeddings_SingleText_Returns384DimensionUnitVector()
    {
        using var response = await service.Client.PostJsonAsync("/v1/embeddings", new { input = "The quick brown fox jumps over the lazy dog." });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.ReadJsonAsync();
        var vector = body.Vector(0);
        Assert.Equal(384, vector.Length);
        Assert.Equal(1.0, Math.Sqrt(Json.Dot(vector, vector)), 4);
        Assert.Equal("list", body.GetProperty("object").GetString());
        Assert.Equal("all-MiniLM-L6-v2", body.GetProperty("model").GetString());
    }

    [Fact]
    public async Task Embeddings_NullOptionalFields_AreTakenAsAbsent()
    {
        // As OpenAI's API takes them; this app answered 400 "'dimensions' must be a positive integer, not null".
        using var response = await service.Client.PostAsync("/v1/embeddings", """{"input": "hello", "model": null, "encoding_format": null, "dimensions": null, "user": null}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.ReadJsonAsync();
        Assert.Equal(384, body.Vector(0).Length);
        Assert.Equal("all-MiniLM-L6-v2", body.GetProperty("model").GetString());
    }

    [Fact]
    public async Task Embeddings_SimilarSentences_AreCloserThanUnrelatedOnes()
    {
        using var response = await service.Client.PostJsonAsync("/v1/embeddings", new
        {
            input = new[] { "How do I reset my password?", "I forgot my password and cannot log in.", "The orchestra played Beethoven's fifth symphony." },
        });

        var body = await response.ReadJsonAsync();
        var similar = Json.Dot(body.Vector(0), body.Vector(1));
        var unrelated = Json.Dot(body.Vector(0), body.Vector(2));
        Assert.True(similar > unrelated + 0.3, $"similar {similar}, unrelated {unrelated}");
    }

    [Fact]
    public async Task Embeddings_BatchAndSingle_GiveTheSameVectors()
    {
        string[] texts = ["short one", "A considerably longer sentence, so that the batch needs padding for the short one.", "a third"];
        using var batch = await service.Client.PostJsonAsync("/v1/embeddings", new { input = texts });
        var batched = await batch.ReadJsonAsync();

        for (var i = 0; i < texts.Length; i++)
        {
            using var single = await service.Client.PostJsonAsync("/v1/embeddings", new { input = texts[i] });
            var alone = (await single.ReadJsonAsync()).Vector(0);
            var together = batched.Vector(i);
            for (var d = 0; d < alone.Length; d++)
            {
                Assert.True(Math.Abs(alone[d] - together[d]) <= 1e-5, $"text {i}, dimension {d}: {alone[d]} vs {together[d]}");
            }
        }
    }

    [Fact]
    public async Task Embeddings_Response_ReportsUsageAndGpuSeconds()
    {
        using var response = await service.Client.PostJsonAsync("/v1/embeddings", new { input = new[] { "hello world", "hi" } });

        var usage = (await response.ReadJsonAsync()).GetProperty("usage");
        Assert.Equal(4 + 3, usage.GetProperty("prompt_tokens").GetInt32()); // [CLS] hello world [SEP], [CLS] hi [SEP]
        Assert.Equal(7, usage.GetProperty("total_tokens").GetInt32());
        var seconds = double.Parse(response.Headers.GetValues("x-frugal-gpu-seconds").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(seconds > 0);
    }

    [Fact]
    public async Task Embeddings_TextIsSplitAsTheModelWasTrained()
    {
        // Tabs and line breaks separate words; ASCII symbols are tokens of their own; an uncased model drops accents
        // (precomposed or combining). Microsoft.ML.Tokenizers 3.0.0 as shipped glued "world" to "hello" across a line
        // break, dropped '+' and '=', and read "café" as [UNK].
        string[] texts = ["hello\tworld\r\nagain", "hello world again", "a+b=c", "a b c", "Café naïve É", "cafe naive e", "cafe\u0301 nai\u0308ve", "cafe naive"];
        using var response = await service.Client.PostJsonAsync("/v1/embeddings", new { input = texts });

        var body = await response.ReadJsonAsync();
        Assert.Equal(1.0, Json.Dot(body.Vector(0), body.Vector(1)), 5);
        Assert.True(Json.Dot(body.Vector(2), body.Vector(3)) < 0.99, "the symbols must count");
        Assert.Equal(1.0, Json.Dot(body.Vector(4), body.Vector(5)), 5);
        Assert.Equal(1.0, Json.Dot(body.Vector(6), body.Vector(7)), 5);
        // Format characters are deleted, as BERT's cleaning deletes them: a zero-width space or soft hyphen made the
        // word [UNK] (cosine 0.16 and 0.09 with the same words without them).
        using var invisible = await service.Client.PostJsonAsync("/v1/embeddings", new { input = new[] { "payment\u200bfailed, server\u00addown\ufeff", "paymentfailed, serverdown" } });
        var cleaned = await invisible.ReadJsonAsync();
        Assert.Equal(1.0, Json.Dot(cleaned.Vector(0), cleaned.Vector(1)), 5);
        using var dollars = await service.Client.PostJsonAsync("/v1/embeddings", new { input = "$100" });
        Assert.Equal(4, (await dollars.ReadJsonAsync()).GetProperty("usage").GetProperty("prompt_tokens").GetInt32()); // [CLS] $ 100 [SEP]
    }

    [Fact]
    public async Task Embeddings_Base64Format_DecodesToTheFloatVector()
    {
        using var floats = await service.Client.PostJsonAsync("/v1/embeddings", new { input = "base64 please" });
        using var base64 = await service.Client.PostJsonAsync("/v1/embeddings", new { input = "base64 please", encoding_format = "base64" });

        var encoded = (await base64.ReadJsonAsync()).GetProperty("data")[0].GetProperty("embedding").GetBytesFromBase64();
        Assert.Equal((await floats.ReadJsonAsync()).Vector(0), MemoryMarshal.Cast<byte, float>(encoded).ToArray());
    }

    [Fact]
    public async Task Embeddings_TextOverTheLimit_IsTruncatedAndFlagged()
    {
        var longText = string.Join(' ', Enumerable.Repeat("word", 400));

        using var response = await service.Client.PostJsonAsync("/v1/embeddings", new { input = new[] { "short", longText } });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.ReadJsonAsync();
        Assert.False(body.GetProperty("data")[0].TryGetProperty("truncated", out _));
        Assert.True(body.GetProperty("data")[1].GetProperty("truncated").GetBoolean());
        Assert.Equal(3 + 256, body.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        Assert.Equal("1", response.Headers.GetValues("x-frugal-truncated").Single());
    }

    [Fact]
    public async Task Embeddings_UnknownModel_Returns404NamingTheModel()
    {
        using var response = await service.Client.PostJsonAsync("/v1/embeddings", new { model = "text-embedding-3-large", input = "x" });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var body = await response.ReadJsonAsync();
        Assert.Equal("The embedding model 'text-embedding-3-large' does not exist. Available: all-MiniLM-L6-v2.", body.ErrorMessage());
        Assert.Equal("model_not_found", body.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal("model", body.GetProperty("error").GetProperty("param").GetString());
    }
}
