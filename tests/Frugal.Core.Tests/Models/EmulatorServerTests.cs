using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Frugal.Emulator;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;

namespace Frugal.Core.Tests.Models;

/// <summary>The emulator's wire behaviour, over plain HTTP.</summary>
public sealed class EmulatorServerTests
{
    private const string ChatPath = "openai/deployments/gpt-4o-mini/chat/completions?api-version=2024-10-21";

    [Fact]
    public async Task StartAsync_InvalidOptions_ThrowsNamingKeys()
    {
        var options = new EmulatorOptions { EmbeddingDimensions = 0, RemoteImageWidth = 0 };
        options.Deployments["gpt-4o"] = new DeploymentOptions { RateLimitRate = 1.5, LatencyMs = -1, MaxOutputTokens = 0, ContextTokens = 0 };
        options.Deployments["gpt-4o-mini"] = new DeploymentOptions { RateLimitRate = 0.6, ServerErrorRate = 0.6 };

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => EmulatorServer.StartAsync(options, 0, CancellationToken.None));

        Assert.Contains("Emulator:EmbeddingDimensions must be between 1 and 8192 (was 0).", error.Failures);
        Assert.Contains("Emulator:RemoteImageWidth must be 1 or more (was 0).", error.Failures);
        Assert.Contains("Emulator:Deployments:gpt-4o:RateLimitRate must be between 0 and 1 (was 1.5).", error.Failures);
        Assert.Contains("Emulator:Deployments:gpt-4o:LatencyMs must be zero or more (was -1).", error.Failures);
        Assert.Contains("Emulator:Deployments:gpt-4o:MaxOutputTokens must be 1 or more (was 0).", error.Failures);
        Assert.Contains("Emulator:Deployments:gpt-4o:ContextTokens must be 1 or more (was 0).", error.Failures);
        Assert.Contains(error.Failures, f => f.StartsWith("Emulator:Deployments:gpt-4o-mini: the fault rates", StringComparison.Ordinal));
    }

    [Fact]
    public async Task StartAsync_ContentFilterRatesOutOfRange_ThrowsNamingKeys()
    {
        var options = new EmulatorOptions();
        options.Deployments["gpt-4o"] = new DeploymentOptions { PromptFilterRate = -0.1, CompletionFilterRate = 2 };
        options.Deployments["gpt-4o-mini"] = new DeploymentOptions { ServerErrorRate = 0.5, CompletionFilterRate = 0.6 };

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => EmulatorServer.StartAsync(options, 0, CancellationToken.None));

        Assert.Contains("Emulator:Deployments:gpt-4o:PromptFilterRate must be between 0 and 1 (was -0.1).", error.Failures);
        Assert.Contains("Emulator:Deployments:gpt-4o:CompletionFilterRate must be between 0 and 1 (was 2).", error.Failures);
        Assert.Contains(
            "Emulator:Deployments:gpt-4o-mini: the fault rates (RateLimitRate, ServerErrorRate, ServiceUnavailableRate, TimeoutRate, PromptFilterRate, CompletionFilterRate) add up to 1.1; they must add up to 1 at most (a listed deployment takes those it does not set from Defaults).",
            error.Failures);
    }

    [Theory]
    [InlineData("{not json", "The request body is not valid JSON")]
    [InlineData("""{"messages":[]}""", "'messages' is required and must be a non-empty array.")]
    [InlineData("""{"messages":[{"content":"hi"}]}""", "'messages[0].role' is required.")]
    [InlineData("""{"messages":[{"role":"user","content":5}]}""", "'messages[0].content' must be a string or an array of content parts.")]
    [InlineData("""{"messages":[{"role":"user","content":"hi"}],"max_tokens":0}""", "'max_tokens' must be a whole number of 1 or more (was 0).")]
    [InlineData("""{"messages":[{"role":"user","content":"hi"}],"response_format":{"type":"xml"}}""", "'response_format.type' must be 'text', 'json_object' or 'json_schema' (was 'xml').")]
    [InlineData("""{"messages":[{"role":"user","content":"hi"}],"response_format":{"type":"json_schema"}}""", "'response_format.json_schema.schema' is required")]
    [InlineData("""{"messages":[{"role":"user","content":"hi"}],"response_format":{"type":"json_schema","json_schema":{"name":"x","schema":{"type":7}}}}""", "Invalid schema for response_format: ")]
    [InlineData("""{"messages":[{"role":"user","content":"hi"}],"response_format":{"type":"json_schema","json_schema":{"name":"x","schema":{"type":"object","properties":{"a":{"type":"string"}},"required":[5]}}}}""", "Invalid schema for response_format: ")]
    [InlineData("""{"messages":[{"role":"user","content":"hi"}],"response_format":{"type":"json_schema","json_schema":{"name":"x","schema":{"type":"string","format":5}}}}""", "Invalid schema for response_format: ")]
    [InlineData("""{"messages":[{"role":"wizard","content":"hi"}]}""", "'messages[0].role' must be one of system, developer, user, assistant, tool, not 'wizard'.")]
    [InlineData("""{"messages":[{"role":"user","content":null}]}""", "'messages[0].content' is required in a user message.")]
    [InlineData("""{"messages":[{"role":"user","content":"hi"}],"n":129}""", "Invalid 'n': integer above maximum value. Expected a value less than or equal to 128, but got 129 instead.")]
    [InlineData("""{"messages":[{"role":"user","content":"hi"}],"n":0}""", "Invalid 'n': integer below minimum value. Expected a value greater than or equal to 1, but got 0 instead.")]
    [InlineData("""{"messages":[{"role":"user","content":"hi"}],"n":"2"}""", "Invalid type for 'n': expected an integer, but got a string instead.")]
    [InlineData("""{"messages":[{"role":"user","content":"hi"}],"temperature":"hot"}""", "'temperature' must be a number from 0 to 2, not \"hot\".")]
    [InlineData("""{"messages":[{"role":"user","content":"hi"}],"stop":["a","b","c","d","e"]}""", "'stop' must be a string or an array of up to 4 strings (was [\"a\",\"b\",\"c\",\"d\",\"e\"]).")]
    [InlineData("""{"messages":[{"role":"user","content":"hi"}],"stop":7}""", "'stop' must be a string or an array of up to 4 strings (was 7).")]
    [InlineData("""{"messages":[{"role":"user","content":"Classify this ticket."}],"response_format":{"type":"json_object"}}""", "'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.")]
    [InlineData("""{"messages":[{"role":"user","content":[]}]}""", "Invalid 'messages[0].content': empty array. Expected an array with minimum length 1, but got an empty array instead.")]
    [InlineData("""{"messages":[{"role":"user","content":[{"type":"text","text":"a"},{"type":"text"}]}]}""", "Missing required parameter: 'messages[0].content[1].text'.")]
    [InlineData("""{"messages":[{"role":"user","content":["hi"]}]}""", "'messages[0].content[0]' must be a content part object with a 'type'.")]
    [InlineData("""{"messages":[{"role":"user","content":"hi"}],"response_format":{"type":"json_schema","json_schema":{"name":"a","strict":true,"schema":{"type":"object","properties":{"x":{"type":"string"}},"required":["x"]}}}}""", "Invalid schema for response_format 'a': In context=(), 'additionalProperties' is required to be supplied and to be false.")]
    [InlineData("""{"messages":[{"role":"user","content":"hi"}],"response_format":{"type":"json_schema","json_schema":{"name":"a","strict":true,"schema":{"type":"object","properties":{"x":{"type":"object","properties":{"y":{"type":"string"},"z":{"type":"string"}},"required":["y"],"additionalProperties":false}},"required":["x"],"additionalProperties":false}}}}""", "Invalid schema for response_format 'a': In context=('properties', 'x'), 'required' is required to be supplied and to be an array including every key in properties. Missing 'z'.")]
    [InlineData("""{"messages":[{"role":"user","content":"hi"},{"role":"tool","content":"42"}]}""", "Missing required parameter: 'messages[1].tool_call_id'.")]
    [InlineData("""{"messages":[{"role":"user","content":"hi"}],"logprobs":true,"top_logprobs":21}""", "Invalid 'top_logprobs': integer above maximum value. Expected a value less than or equal to 20, but got 21 instead.")]
    [InlineData("""{"messages":[{"role":"user","content":"hi"}],"logprobs":true,"top_logprobs":-1}""", "Invalid 'top_logprobs': integer below minimum value. Expected a value greater than or equal to 0, but got -1 instead.")]
    [InlineData("""{"messages":[{"role":"user","content":"hi"}],"top_logprobs":2}""", "Invalid value for 'logprobs': must be true when 'top_logprobs' is set.")]
    [InlineData("""{"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"detail":"low"}}]}]}""", "Missing required parameter: 'messages[0].content[0].image_url.url'.")]
    [InlineData("""{"messages":[{"role":"system","content":[{"type":"image_url","image_url":{"url":"https://example.com/a.png"}}]},{"role":"user","content":"hi"}]}""", "Invalid 'messages[0]'. Image URLs are only allowed for messages with role 'user', but this message with role 'system' contains an image URL.")]
    [InlineData("""{"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"https://example.com/a.png","detail":"medium"}}]}]}""", "Invalid value: 'medium'. Supported values are: 'low', 'high', and 'auto'.")]
    [InlineData("""{"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/png;base64,aGVsbG8="}}]}]}""", "You uploaded an unsupported image. Please make sure your image has of one the following formats: ['png', 'jpeg', 'gif', 'webp'].")]
    [InlineData("""{"messages":[{"role":"user","content":"hi"}],"stream_options":{"include_usage":true}}""", "The 'stream_options' parameter is only allowed when 'stream' is enabled.")]
    [InlineData("""{"messages":[{"role":"user","content":"hi"}],"stream":"true"}""", "Invalid type for 'stream': expected a boolean, but got a string instead.")]
    [InlineData("""{"messages":[{"role":"user","content":"hi"}],"stream":true,"stream_options":{"include_usage":1}}""", "Invalid type for 'stream_options.include_usage': expected a boolean, but got an integer instead.")]
    [InlineData("""{"messages":[{"role":"user","content":"hi"}],"logprobs":"yes"}""", "Invalid type for 'logprobs': expected a boolean, but got a string instead.")]
    [InlineData("""{"messages":[{"role":"user","content":"hi"}],"max_tokens":50,"max_completion_tokens":50}""", "Setting 'max_tokens' and 'max_completion_tokens' at the same time is not supported.")]
    [InlineData("""{"messages":[{"role":"user","content":"hi"}],"max_tokens":100000000}""", "max_tokens is too large: 100000000. This model supports at most 16384 completion tokens, whereas you provided 100000000.")]
    [InlineData("""{"messages":[{"role":"user","content":"hi"}],"max_completion_tokens":16385}""", "max_completion_tokens is too large: 16385. This model supports at most 16384 completion tokens, whereas you provided 16385.")]
    [InlineData("""{"messages":[{"role":"user","content":"hi"}],"max_tokens":10000000000}""", "max_tokens is too large: 10000000000. This model supports at most 16384 completion tokens")]
    public async Task ChatCompletions_BadRequest_400NamingTheField(string body, string expected)
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions(), 0, CancellationToken.None);
        using var http = new HttpClient { BaseAddress = emulator.Uri };

        using var response = await http.PostAsync(ChatPath, new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var message = (await ReadJsonAsync(response))["error"]?["message"]?.GetValue<string>();
        Assert.StartsWith(expected, message, StringComparison.Ordinal);
        Assert.Equal(1, emulator.Counters.BadRequests);
    }

    [Fact]
    public async Task ChatCompletions_PromptOverTheContextWindow_400ContextLengthExceededUnbilled()
    {
        // A prompt of 590,000 tokens was answered and billed, where Azure OpenAI refuses it.
        var options = new EmulatorOptions();
        options.Deployments["gpt-4o-mini"] = new DeploymentOptions { ContextTokens = 50 };
        await using var emulator = await EmulatorServer.StartAsync(options, 0, CancellationToken.None);
        using var http = new HttpClient { BaseAddress = emulator.Uri };
        var body = new JsonObject { ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = string.Join(' ', Enumerable.Repeat("word", 100)) }) };

        using var response = await http.PostAsync(ChatPath, new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await ReadJsonAsync(response))["error"]!;
        Assert.Matches(@"^This model's maximum context length is 50 tokens\. However, your messages resulted in \d+ tokens\. Please reduce the length of the messages\.$", error["message"]!.GetValue<string>());
        Assert.Equal(("invalid_request_error", "messages", "context_length_exceeded"), (error["type"]!.GetValue<string>(), error["param"]!.GetValue<string>(), error["code"]!.GetValue<string>()));
        Assert.Equal((1L, 0L), (emulator.Counters.BadRequests, emulator.Counters.PromptTokens));
    }

    [Fact]
    public async Task ChatCompletions_NoFieldAtFault_ErrorStillCarriesParamNullAsOpenAIs()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions(), 0, CancellationToken.None);
        using var http = new HttpClient { BaseAddress = emulator.Uri };

        using var response = await http.PostAsync(ChatPath, new StringContent("{not json", Encoding.UTF8, "application/json"));

        var error = (await ReadJsonAsync(response))["error"]!.AsObject();
        Assert.Equal(["message", "type", "param", "code"], error.Select(p => p.Key));
        Assert.Null(error["param"]);
    }

    [Theory]
    [InlineData("POST", "v1/completions", HttpStatusCode.NotFound, "Invalid URL (POST /v1/completions): the emulator serves POST openai/deployments/")]
    [InlineData("GET", "v1/chat/completions", HttpStatusCode.MethodNotAllowed, "Invalid method for URL (GET /v1/chat/completions): send POST.")]
    public async Task Request_PathOrMethodNotServed_OpenAIErrorSayingWhatIsServed(string method, string path, HttpStatusCode status, string expected)
    {
        // They were empty answers, which a client reports as a bare 404 or 405.
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions(), 0, CancellationToken.None);
        using var http = new HttpClient { BaseAddress = emulator.Uri };
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = method == "GET" ? null : new StringContent("{}", Encoding.UTF8, "application/json") };

        using var response = await http.SendAsync(request);

        Assert.Equal(status, response.StatusCode);
        var error = (await ReadJsonAsync(response))["error"]!;
        Assert.StartsWith(expected, error["message"]?.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("invalid_request_error", error["type"]?.GetValue<string>());
        Assert.Null(error["code"]);
    }

    [Fact]
    public async Task ChatCompletions_MaxTokensUpToTheDeploymentsMaxOutputTokens_Answered()
    {
        var options = new EmulatorOptions();
        options.Deployments["gpt-4o-mini"] = new DeploymentOptions { MaxOutputTokens = 100_000 };
        await using var emulator = await EmulatorServer.StartAsync(options, 0, CancellationToken.None);
        using var http = new HttpClient { BaseAddress = emulator.Uri };

        using var limit = await http.PostAsJsonAsync(ChatPath, new { messages = new[] { new { role = "user", content = "hi" } }, max_completion_tokens = 100_000 });
        using var over = await http.PostAsJsonAsync(ChatPath, new { messages = new[] { new { role = "user", content = "hi" } }, max_tokens = 100_001 });

        Assert.Equal(HttpStatusCode.OK, limit.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, over.StatusCode);
        var error = (await ReadJsonAsync(over))["error"]!;
        Assert.Equal("max_tokens is too large: 100001. This model supports at most 100000 completion tokens, whereas you provided 100001.", error["message"]?.GetValue<string>());
        Assert.Equal("max_tokens", error["param"]?.GetValue<string>());
    }

    [Fact]
    public async Task ChatCompletions_NoMaxTokens_AnswerCutAtTheDeploymentsMaxOutputTokens()
    {
        // The service stops a request without a limit at the model's; the emulator went on and billed past it.
        var options = new EmulatorOptions();
        options.Deployments["gpt-4o-mini"] = new DeploymentOptions { MaxOutputTokens = 5 };
        await using var emulator = await EmulatorServer.StartAsync(options, 0, CancellationToken.None);
        using var http = new HttpClient { BaseAddress = emulator.Uri };

        using var response = await http.PostAsJsonAsync(ChatPath, Chat(null, "Summarise the quarterly revenue growth of the northern region in three sentences."));

        var body = await ReadJsonAsync(response);
        Assert.Equal("length", body["choices"]![0]!["finish_reason"]!.GetValue<string>());
        Assert.Equal(5, body["usage"]!["completion_tokens"]!.GetValue<int>());
    }

    [Fact]
    public async Task ChatCompletions_PromptOfOneLongWord_AnswerEchoesABoundedPartOfIt()
    {
        // A 1 MB field without spaces was echoed whole, twice (sentence and key point): 250,000 completion tokens a call.
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions(), 0, CancellationToken.None);
        using var http = new HttpClient { BaseAddress = emulator.Uri };

        using var response = await http.PostAsJsonAsync(ChatPath, Chat(null, "item: " + new string('x', 100_000)));

        var body = await ReadJsonAsync(response);
        var answer = body["choices"]![0]!["message"]!["content"]!.GetValue<string>();
        Assert.StartsWith("[gpt-4o-mini] item: xxx", answer, StringComparison.Ordinal);
        Assert.InRange(answer.Length, 1, 500);
        Assert.Equal("stop", body["choices"]![0]!["finish_reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task ChatCompletions_DeploymentServingANamedModel_AnswersNameItAndReportUsageDetails()
    {
        // Azure names the model behind a deployment, which Frugal prices; the deployment's name alone went unpriced.
        var options = new EmulatorOptions();
        options.Deployments["chat-cheap"] = new DeploymentOptions { Model = "gpt-4o-mini-2024-07-18" };
        await using var emulator = await EmulatorServer.StartAsync(options, 0, CancellationToken.None);
        using var http = new HttpClient { BaseAddress = emulator.Uri };

        using var chat = await http.PostAsJsonAsync("openai/deployments/chat-cheap/chat/completions?api-version=2024-10-21", Chat(null, "hi"));
        using var embeddings = await http.PostAsJsonAsync("v1/embeddings", new { model = "chat-cheap", input = "hi" });

        var body = await ReadJsonAsync(chat);
        Assert.Equal("gpt-4o-mini-2024-07-18", body["model"]?.GetValue<string>());
        Assert.Equal(0, body["usage"]?["prompt_tokens_details"]?["cached_tokens"]?.GetValue<int>());
        Assert.Equal(0, body["usage"]?["completion_tokens_details"]?["reasoning_tokens"]?.GetValue<int>());
        Assert.Equal("gpt-4o-mini-2024-07-18", (await ReadJsonAsync(embeddings))["model"]?.GetValue<string>());
    }

    [Fact]
    public async Task ChatCompletions_JsonSchemaFormat_BillsTheSchemasTokensWithThePrompt()
    {
        // The service bills the schema it puts before the model; counted for the messages alone, a step with an
        // output_schema cost less here than it would in Azure.
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions(), 0, CancellationToken.None);
        using var http = new HttpClient { BaseAddress = emulator.Uri };
        var schema = JsonNode.Parse("""{"type":"object","properties":{"category":{"type":"string","enum":["billing","outage","other"]},"urgent":{"type":"boolean"}},"required":["category","urgent"],"additionalProperties":false}""")!;
        var messages = new[] { new { role = "user", content = "Classify: my invoice is wrong" } };

        using var plain = await http.PostAsJsonAsync(ChatPath, new { messages });
        using var structured = await http.PostAsJsonAsync(ChatPath, new { messages, response_format = new { type = "json_schema", json_schema = new { name = "answer", schema } } });

        var schemaTokens = Microsoft.ML.Tokenizers.TiktokenTokenizer.CreateForEncoding("o200k_base").CountTokens(schema.ToJsonString());
        Assert.Equal(
            (await ReadJsonAsync(plain))["usage"]!["prompt_tokens"]!.GetValue<int>() + schemaTokens,
            (await ReadJsonAsync(structured))["usage"]!["prompt_tokens"]!.GetValue<int>());
    }

    [Fact]
    public async Task ChatCompletions_StrictSchemaStructuredOutputsTakes_Answered()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions(), 0, CancellationToken.None);
        using var http = new HttpClient { BaseAddress = emulator.Uri };
        var body = """{"messages":[{"role":"user","content":"hi"}],"response_format":{"type":"json_schema","json_schema":{"name":"a","strict":true,"schema":{"type":"object","properties":{"tags":{"type":"array","items":{"type":"object","properties":{"t":{"type":"string"}},"required":["t"],"additionalProperties":false}},"n":{"anyOf":[{"type":"integer"},{"type":"null"}]}},"required":["tags","n"],"additionalProperties":false}}}}""";

        using var response = await http.PostAsync(ChatPath, new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("""["Paris"]""")]
    [InlineData("\"Paris\"")]
    public async Task ChatCompletions_StopSequence_AnswerEndsBeforeItAndIsBilledSo(string stop)
    {
        // Ignored, the stop sequence came back in the answer (and its tokens were billed), unlike the service's.
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions(), 0, CancellationToken.None);
        using var http = new HttpClient { BaseAddress = emulator.Uri };
        var body = $$"""{"messages":[{"role":"user","content":"Tell me about the weather in Paris today."}],"stop":{{stop}}}""";

        using var response = await http.PostAsync(ChatPath, new StringContent(body, Encoding.UTF8, "application/json"));

        var json = await ReadJsonAsync(response);
        var content = json["choices"]![0]!["message"]!["content"]!.GetValue<string>();
        Assert.Equal("[gpt-4o-mini] Tell me about the weather in ", content);
        Assert.Equal("stop", json["choices"]![0]!["finish_reason"]!.GetValue<string>());
        var tokens = Microsoft.ML.Tokenizers.TiktokenTokenizer.CreateForEncoding("o200k_base").CountTokens(content);
        Assert.Equal(tokens, json["usage"]!["completion_tokens"]!.GetValue<int>());
    }

    [Fact]
    public async Task ChatCompletions_NAbove1_AnswersNDifferentChoicesBillingThePromptOnceAndEveryChoice()
    {
        // Refused with a 400, a client asking for several candidates (to vote or pick among) could not be tested here,
        // and its cost, n answers' tokens for one prompt's, could not be measured.
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions(), 0, CancellationToken.None);
        using var http = new HttpClient { BaseAddress = emulator.Uri };
        var messages = new[] { new { role = "user", content = "Suggest a subject line for the outage report." } };

        using var one = await http.PostAsJsonAsync(ChatPath, new { messages });
        using var three = await http.PostAsJsonAsync(ChatPath, new { messages, n = 3 });

        Assert.Equal(HttpStatusCode.OK, three.StatusCode);
        var single = await ReadJsonAsync(one);
        var body = await ReadJsonAsync(three);
        var choices = body["choices"]!.AsArray();
        Assert.Equal([0, 1, 2], choices.Select(c => c!["index"]!.GetValue<int>()));
        var contents = choices.Select(c => c!["message"]!["content"]!.GetValue<string>()).ToList();
        Assert.Equal(3, contents.Distinct().Count());
        Assert.Equal(single["choices"]![0]!["message"]!["content"]!.GetValue<string>(), contents[0]);
        Assert.All(choices, c => Assert.Equal("stop", c!["finish_reason"]!.GetValue<string>()));
        var tokenizer = Microsoft.ML.Tokenizers.TiktokenTokenizer.CreateForEncoding("o200k_base");
        Assert.Equal(single["usage"]!["prompt_tokens"]!.GetValue<int>(), body["usage"]!["prompt_tokens"]!.GetValue<int>());
        Assert.Equal(contents.Sum(c => tokenizer.CountTokens(c)), body["usage"]!["completion_tokens"]!.GetValue<int>());
        Assert.Equal(
            body["usage"]!["prompt_tokens"]!.GetValue<int>() + body["usage"]!["completion_tokens"]!.GetValue<int>(),
            body["usage"]!["total_tokens"]!.GetValue<int>());

        using var again = await http.PostAsJsonAsync(ChatPath, new { messages, n = 3 });
        Assert.Equal(body["choices"]!.ToJsonString(), (await ReadJsonAsync(again))["choices"]!.ToJsonString());
    }

    [Fact]
    public async Task ChatCompletions_NAbove1Streamed_ChunksNameTheirChoiceAndAddUpToTheWholeAnswers()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions(), 0, CancellationToken.None);
        using var http = new HttpClient { BaseAddress = emulator.Uri };
        var messages = new[] { new { role = "user", content = "Suggest a subject line for the outage report about the storage account." } };

        using var whole = await http.PostAsJsonAsync(ChatPath, new { messages, n = 2 });
        using var streamed = await http.PostAsJsonAsync(ChatPath, new { messages, n = 2, stream = true, stream_options = new { include_usage = true } });

        var wholeBody = await ReadJsonAsync(whole);
        var chunks = await ReadChunksAsync(streamed);
        var texts = new[] { new StringBuilder(), new StringBuilder() };
        var finishes = new string?[2];
        foreach (var choice in chunks.SelectMany(c => c["choices"]!.AsArray()))
        {
            var index = choice!["index"]!.GetValue<int>();
            texts[index].Append(choice["delta"]?["content"]?.GetValue<string>());
            finishes[index] ??= choice["finish_reason"]?.GetValue<string>();
        }

        Assert.Equal(
            wholeBody["choices"]!.AsArray().Select(c => c!["message"]!["content"]!.GetValue<string>()),
            texts.Select(t => t.ToString()));
        Assert.Equal(new[] { "stop", "stop" }, finishes.Select(f => f ?? "(none)"));
        Assert.Equal(wholeBody["usage"]!.ToJsonString(), chunks[^1]["usage"]!.ToJsonString());
    }

    [Theory]
    [InlineData(null, null, "auto", 85 + (170 * 4))]
    [InlineData(null, null, "low", 85)]
    [InlineData(1920, 1080, "high", 85 + (170 * 6))]
    public async Task ChatCompletions_ImageByUrl_CountedAtTheConfiguredSizeSinceTheEmulatorFetchesNothing(int? width, int? height, string detail, int imageTokens)
    {
        var options = new EmulatorOptions();
        options.Deployments["vision"] = new DeploymentOptions { Model = "gpt-4o-2024-08-06" };
        (options.RemoteImageWidth, options.RemoteImageHeight) = (width ?? options.RemoteImageWidth, height ?? options.RemoteImageHeight);
        await using var emulator = await EmulatorServer.StartAsync(options, 0, CancellationToken.None);
        using var http = new HttpClient { BaseAddress = emulator.Uri };
        var text = new { type = "text", text = "What does this show?" };
        var image = new { type = "image_url", image_url = new { url = "https://example.com/scan.png", detail } };

        using var withImage = await http.PostAsJsonAsync("v1/chat/completions", new { model = "vision", messages = new[] { new { role = "user", content = new object[] { text, image } } } });
        using var withoutImage = await http.PostAsJsonAsync("v1/chat/completions", new { model = "vision", messages = new[] { new { role = "user", content = new object[] { text } } } });

        Assert.Equal(
            (await ReadJsonAsync(withoutImage))["usage"]!["prompt_tokens"]!.GetValue<int>() + imageTokens,
            (await ReadJsonAsync(withImage))["usage"]!["prompt_tokens"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("openai/deployments/gpt-4o-mini/chat/completions")]
    [InlineData("openai/deployments/text-embedding-3-small/embeddings")]
    public async Task AzureRoute_WithoutApiVersion_404ResourceNotFoundAsAzureAnswers(string path)
    {
        // Answered anyway, a client that dropped api-version worked here and failed against Azure.
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions(), 0, CancellationToken.None);
        using var http = new HttpClient { BaseAddress = emulator.Uri };

        using var response = await http.PostAsJsonAsync(path, new { messages = new[] { new { role = "user", content = "hi" } }, input = "hi" });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var error = (await ReadJsonAsync(response))["error"];
        Assert.Equal(("Resource not found", "404"), (error?["message"]?.GetValue<string>(), error?["code"]?.GetValue<string>()));
        Assert.Equal(1, emulator.Counters.BadRequests);
    }

    [Fact]
    public async Task ChatCompletions_StrictAndDeploymentNotListed_404DeploymentNotFound()
    {
        var options = new EmulatorOptions { StrictDeployments = true };
        options.Deployments["gpt-4o"] = new DeploymentOptions();
        await using var emulator = await EmulatorServer.StartAsync(options, 0, CancellationToken.None);
        using var http = new HttpClient { BaseAddress = emulator.Uri };

        using var listed = await http.PostAsJsonAsync("openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21", Chat(null, "hi"));
        using var misspelt = await http.PostAsJsonAsync("openai/deployments/gpt4o/chat/completions?api-version=2024-10-21", Chat(null, "hi"));
        using var embeddings = await http.PostAsJsonAsync("v1/embeddings", new { model = "gpt4o", input = "hi" });

        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, misspelt.StatusCode);
        var error = (await ReadJsonAsync(misspelt))["error"];
        Assert.Equal("DeploymentNotFound", error?["code"]?.GetValue<string>());
        Assert.StartsWith("The API deployment 'gpt4o' does not exist", error?["message"]?.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, embeddings.StatusCode);
    }

    [Theory]
    [InlineData("""{"type":"object","definitions":{"tag":{"type":"string"}},"properties":{"t":{"$ref":"#/definitions/tag"}},"required":["t"]}""")]
    [InlineData("""{"type":"object","properties":{"n":{"type":"integer","nullable":true,"example":3}},"required":["n"]}""")]
    [InlineData("""{"type":"array","items":[{"type":"string"},{"type":"integer"}]}""")]
    public async Task ChatCompletions_SchemaWithKeywordsOpenAIAccepts_Answered(string schema)
    {
        // A schema library refused keywords it does not know (definitions, nullable, example) that client libraries write.
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions(), 0, CancellationToken.None);
        using var http = new HttpClient { BaseAddress = emulator.Uri };
        var body = """{"messages":[{"role":"user","content":"hi"}],"response_format":{"type":"json_schema","json_schema":{"name":"x","schema":SCHEMA}}}""".Replace("SCHEMA", schema, StringComparison.Ordinal);

        using var response = await http.PostAsync(ChatPath, new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task ChatCompletions_BodyOverTheServersLimit_413NotAnEmulatorDefect()
    {
        // The emulator's failure answer took Kestrel's refusal for a defect of its own and sent a 500, which clients retry.
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions(), 0, CancellationToken.None);
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(emulator.Uri.Host, emulator.Uri.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            $"POST /v1/chat/completions HTTP/1.1\r\nHost: {emulator.Uri.Authority}\r\nContent-Type: application/json\r\nContent-Length: 40000000\r\n\r\n{{"));

        using var reader = new StreamReader(stream, Encoding.ASCII);
        var statusLine = await reader.ReadLineAsync();

        Assert.StartsWith("HTTP/1.1 413", statusLine, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChatCompletions_HandlerThrows_500InOpenAIShapeSayingItIsTheEmulatorsDefectAndLogged()
    {
        // An exception of the emulator's own was an empty 500, with nothing in the log, which a client takes for a
        // failing deployment and retries. The clock is one the endpoint reads for each answer's 'created'.
        var logs = new FakeLoggerProvider();
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions(), 0, new BrokenClock(), logging => logging.AddProvider(logs), CancellationToken.None);
        using var http = new HttpClient { BaseAddress = emulator.Uri };

        using var response = await http.PostAsJsonAsync(ChatPath, Chat(null, "hi"));

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var error = (await ReadJsonAsync(response))["error"];
        Assert.Equal(
            "The model emulator failed to answer this request (InvalidOperationException: the clock is broken); this is a defect of the emulator, not of the request.",
            error?["message"]?.GetValue<string>());
        Assert.Equal("server_error", error?["type"]?.GetValue<string>());
        Assert.Equal("500", error?["code"]?.GetValue<string>());
        var logged = Assert.Single(logs.Collector.GetSnapshot(), e => e.Id.Id == 4304);
        Assert.Equal((LogLevel.Error, "The emulator failed to answer a request to /openai/deployments/gpt-4o-mini/chat/completions"), (logged.Level, logged.Message));
        Assert.IsType<InvalidOperationException>(logged.Exception);
    }

    [Fact]
    public async Task ChatCompletions_V1WithoutModel_400AsksForModel()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions(), 0, CancellationToken.None);
        using var http = new HttpClient { BaseAddress = emulator.Uri };

        using var response = await http.PostAsJsonAsync("v1/chat/completions", new { messages = new[] { new { role = "user", content = "hi" } } });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("'model' is required: it names the deployment to call.", (await ReadJsonAsync(response))["error"]?["message"]?.GetValue<string>());
    }

    [Fact]
    public async Task ChatCompletions_BearerKey_Accepted()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { ApiKey = "secret" }, 0, CancellationToken.None);
        using var http = new HttpClient { BaseAddress = emulator.Uri };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "secret");

        using var response = await http.PostAsJsonAsync("v1/chat/completions", Chat("gpt-4o", "hi"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task ChatCompletions_MissingKey_401WithOpenAIError()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { ApiKey = "secret" }, 0, CancellationToken.None);
        using var http = new HttpClient { BaseAddress = emulator.Uri };

        using var response = await http.PostAsJsonAsync(ChatPath, Chat(null, "hi"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var error = (await ReadJsonAsync(response))["error"];
        Assert.Equal("invalid_api_key", error?["code"]?.GetValue<string>());
        Assert.StartsWith("Access denied: no API key was sent. Send the key configured as Emulator:ApiKey", error?["message"]?.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChatCompletions_JsonObjectFormat_AnswersJsonObject()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions(), 0, CancellationToken.None);
        using var http = new HttpClient { BaseAddress = emulator.Uri };
        var body = JsonNode.Parse("""{"messages":[{"role":"system","content":"Answer in JSON."},{"role":"user","content":"Classify this ticket about billing."}],"response_format":{"type":"json_object"}}""");

        using var response = await http.PostAsJsonAsync(ChatPath, body);

        var content = (await ReadJsonAsync(response))["choices"]?[0]?["message"]?["content"]?.GetValue<string>();
        var answer = JsonNode.Parse(content!);
        Assert.Equal("Classify this ticket about billing.", answer?["answer"]?.GetValue<string>());
    }

    [Fact]
    public async Task ChatCompletions_RateLimitFault_429WithRetryAfter()
    {
        var options = new EmulatorOptions();
        options.Defaults.RateLimitRate = 1.0;
        options.Defaults.RetryAfterSeconds = 7;
        await using var emulator = await EmulatorServer.StartAsync(options, 0, CancellationToken.None);
        using var http = new HttpClient { BaseAddress = emulator.Uri };

        using var response = await http.PostAsJsonAsync(ChatPath, Chat(null, "hi"));

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(7), response.Headers.RetryAfter?.Delta);
        Assert.Equal(1, emulator.Counters.RateLimited);
    }

    [Fact]
    public async Task ChatCompletions_PromptFilterFault_400ContentFilterAsAzureAnswersIt()
    {
        var options = new EmulatorOptions();
        options.Defaults.PromptFilterRate = 1.0;
        await using var emulator = await EmulatorServer.StartAsync(options, 0, CancellationToken.None);
        using var http = new HttpClient { BaseAddress = emulator.Uri };

        using var response = await http.PostAsJsonAsync(ChatPath, Chat(null, "hi"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await ReadJsonAsync(response))["error"]!;
        Assert.Equal(("content_filter", "prompt", 400), (error["code"]?.GetValue<string>(), error["param"]?.GetValue<string>(), error["status"]?.GetValue<int>()));
        Assert.StartsWith("The response was filtered due to the prompt triggering Azure OpenAI's content management policy", error["message"]?.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("ResponsibleAIPolicyViolation", error["innererror"]?["code"]?.GetValue<string>());
        Assert.True(error["innererror"]?["content_filter_result"]?["violence"]?["filtered"]?.GetValue<bool>());
        Assert.Equal((1, 1, 0, 0), (emulator.Counters.PromptsFiltered, emulator.Counters.FaultsInjected, emulator.Counters.BadRequests, emulator.Counters.ChatCompletions));
    }

    [Fact]
    public async Task ChatCompletions_CompletionFilterFault_200WithoutContentAndTheGeneratedTokensBilled()
    {
        static async Task<(JsonNode Body, EmulatorCounters Counters)> AskAsync(double completionFilterRate)
        {
            var options = new EmulatorOptions();
            options.Defaults.CompletionFilterRate = completionFilterRate;
            await using var emulator = await EmulatorServer.StartAsync(options, 0, CancellationToken.None);
            using var http = new HttpClient { BaseAddress = emulator.Uri };
            using var response = await http.PostAsJsonAsync(ChatPath, Chat(null, "Describe the storm damage at the depot."));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return (await ReadJsonAsync(response), emulator.Counters);
        }

        var (whole, _) = await AskAsync(0);
        var (cut, counters) = await AskAsync(1.0);

        var choice = cut["choices"]![0]!;
        Assert.Equal("content_filter", choice["finish_reason"]?.GetValue<string>());
        Assert.False(choice["message"]!.AsObject().ContainsKey("content"));
        Assert.True(choice["content_filter_results"]?["violence"]?["filtered"]?.GetValue<bool>());
        Assert.Equal(whole["usage"]?.ToJsonString(), cut["usage"]?.ToJsonString());
        Assert.True(whole["usage"]?["completion_tokens"]?.GetValue<int>() > 0);
        Assert.Equal((1, 1, 1), (counters.CompletionsFiltered, counters.FaultsInjected, counters.ChatCompletions));
    }

    [Fact]
    public async Task ChatCompletions_CompletionFilterFaultStreamed_LastChunkSaysWhy()
    {
        var options = new EmulatorOptions();
        options.Defaults.CompletionFilterRate = 1.0;
        await using var emulator = await EmulatorServer.StartAsync(options, 0, CancellationToken.None);
        using var http = new HttpClient { BaseAddress = emulator.Uri };

        using var response = await http.PostAsJsonAsync(ChatPath, new { messages = new[] { new { role = "user", content = "Describe the storm damage." } }, stream = true });

        var chunks = (await response.Content.ReadAsStringAsync())
            .Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Select(e => e["data: ".Length..])
            .Where(d => d != "[DONE]")
            .Select(d => JsonNode.Parse(d)!)
            .ToList();
        var last = chunks[^1]["choices"]![0]!;
        Assert.Equal("content_filter", last["finish_reason"]?.GetValue<string>());
        Assert.True(last["content_filter_results"]?["violence"]?["filtered"]?.GetValue<bool>());
    }

    [Fact]
    public async Task Embeddings_ContentFilterFaults_NotInjected()
    {
        // Azure OpenAI's content filter is about prompts and completions; an embeddings deployment answers as before.
        var options = new EmulatorOptions();
        options.Defaults.PromptFilterRate = 0.5;
        options.Defaults.CompletionFilterRate = 0.5;
        await using var emulator = await EmulatorServer.StartAsync(options, 0, CancellationToken.None);
        using var http = new HttpClient { BaseAddress = emulator.Uri };

        using var response = await http.PostAsJsonAsync("v1/embeddings", new { model = "emb", input = "hello world" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal((0, 0, 0), (emulator.Counters.FaultsInjected, emulator.Counters.PromptsFiltered, emulator.Counters.CompletionsFiltered));
    }

    [Fact]
    public async Task ChatCompletions_UnavailableFault_503()
    {
        var options = new EmulatorOptions();
        options.Defaults.ServiceUnavailableRate = 1.0;
        await using var emulator = await EmulatorServer.StartAsync(options, 0, CancellationToken.None);
        using var http = new HttpClient { BaseAddress = emulator.Uri };

        using var response = await http.PostAsJsonAsync(ChatPath, Chat(null, "hi"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
    }

    [Fact]
    public async Task ChatCompletions_TimeoutFault_HoldsUntilClientGivesUp()
    {
        var options = new EmulatorOptions();
        options.Defaults.TimeoutRate = 1.0;
        options.Defaults.TimeoutMs = 600_000;
        await using var emulator = await EmulatorServer.StartAsync(options, 0, CancellationToken.None);
        using var http = new HttpClient { BaseAddress = emulator.Uri };
        using var giveUp = new CancellationTokenSource();

        // The client gives up once the emulator has taken the request and drawn its fault: a fixed client timeout
        // could pass before a busy machine's server had read the request at all.
        var call = http.PostAsJsonAsync(ChatPath, Chat(null, "hi"), giveUp.Token);
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (emulator.Counters.Timeouts == 0)
        {
            await Task.Delay(10, wait.Token);
        }

        Assert.False(call.IsCompleted, "the emulator answered a request it was told to hold");
        await giveUp.CancelAsync();
        await Assert.ThrowsAnyAsync<TaskCanceledException>(() => call);
        Assert.Equal(1, emulator.Counters.Timeouts);
    }

    [Fact]
    public async Task ChatCompletions_SameSeed_SameFaultSequence()
    {
        static async Task<List<HttpStatusCode>> RunAsync()
        {
            var options = new EmulatorOptions { Seed = 1234 };
            options.Defaults.RateLimitRate = 0.3;
            options.Defaults.ServerErrorRate = 0.2;
            options.Defaults.PromptFilterRate = 0.2;
            await using var emulator = await EmulatorServer.StartAsync(options, 0, CancellationToken.None);
            using var http = new HttpClient { BaseAddress = emulator.Uri };
            var statuses = new List<HttpStatusCode>();
            for (var i = 0; i < 20; i++)
            {
                using var response = await http.PostAsJsonAsync(ChatPath, Chat(null, $"request {i}"));
                statuses.Add(response.StatusCode);
            }

            return statuses;
        }

        var first = await RunAsync();
        var second = await RunAsync();

        Assert.Equal(first, second);
        Assert.Contains(HttpStatusCode.OK, first);
        Assert.Contains(HttpStatusCode.TooManyRequests, first);
        Assert.Contains(HttpStatusCode.BadRequest, first);
    }

    [Fact]
    public async Task Embeddings_Base64AndFloat_SameVector()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions(), 0, CancellationToken.None);
        using var http = new HttpClient { BaseAddress = emulator.Uri };

        using var asFloat = await http.PostAsJsonAsync("v1/embeddings", new { model = "emb", input = "hello world", dimensions = 8 });
        using var asBase64 = await http.PostAsJsonAsync("v1/embeddings", new { model = "emb", input = "hello world", dimensions = 8, encoding_format = "base64" });

        var floats = (await ReadJsonAsync(asFloat))["data"]![0]!["embedding"]!.AsArray().Select(v => v!.GetValue<float>()).ToArray();
        var bytes = Convert.FromBase64String((await ReadJsonAsync(asBase64))["data"]![0]!["embedding"]!.GetValue<string>());
        var decoded = new float[bytes.Length / sizeof(float)];
        Buffer.BlockCopy(bytes, 0, decoded, 0, bytes.Length);
        Assert.Equal(8, floats.Length);
        Assert.Equal(floats, decoded);
    }

    [Theory]
    [InlineData("""{"model":"emb"}""", "'input' is required and must be a string, a non-empty array of strings or an array of token ids.")]
    [InlineData("""{"model":"emb","input":"x","dimensions":0}""", "'dimensions' must be a whole number between 1 and 8192 (was 0).")]
    [InlineData("""{"model":"emb","input":"x","encoding_format":"hex"}""", "'encoding_format' must be 'float' or 'base64' (was 'hex').")]
    [InlineData("""{"model":"emb","input":["x",{}]}""", "'input[1]' must be a string or an array of token ids.")]
    [InlineData("""{"model":"emb","input":""}""", "'input' cannot be an empty string.")]
    [InlineData("""{"model":"emb","input":["x",""]}""", "'input[1]' cannot be an empty string.")]
    [InlineData("""{"model":"emb","input":[1,1.5]}""", "'input[1]' must be a token id, a whole number of 0 or more (was 1.5).")]
    [InlineData("""{"model":"emb","input":[[1,2],[3,-4]]}""", "'input[1][1]' must be a token id, a whole number of 0 or more (was -4).")]
    [InlineData("""{"model":"emb","input":[[]]}""", "'input[0]' must be a string or an array of token ids.")]
    [InlineData("""{"model":"emb","input":["a",[1]]}""", "'input' mixes strings and token-id arrays (input[0] is a string, input[1] an array); send an array of strings or an array of token-id arrays, not both.")]
    [InlineData("""{"model":"emb","input":[[1,2],"b","c"]}""", "'input' mixes strings and token-id arrays (input[1] is a string, input[0] an array); send an array of strings or an array of token-id arrays, not both.")]
    [InlineData("""{"model":5,"input":"x"}""", "Invalid type for 'model': expected a string naming the deployment, but got an integer instead.")]
    [InlineData("""{"model":true,"input":"x"}""", "Invalid type for 'model': expected a string naming the deployment, but got a boolean instead.")]
    [InlineData("""{"model":"emb","input":"x","encoding_format":5}""", "'encoding_format' must be 'float' or 'base64' (was 5).")]
    // Accepted up to 8192 whatever the model, where the service refuses these.
    [InlineData("""{"model":"text-embedding-3-small","input":"x","dimensions":2000}""", "'dimensions' must be at most 1536 for text-embedding-3-small, which has 1536 (was 2000).")]
    [InlineData("""{"model":"text-embedding-3-large","input":"x","dimensions":4000}""", "'dimensions' must be at most 3072 for text-embedding-3-large, which has 3072 (was 4000).")]
    [InlineData("""{"model":"text-embedding-ada-002","input":"x","dimensions":256}""", "This model does not support specifying dimensions.")]
    public async Task Embeddings_BadRequest_400NamingTheField(string body, string expected)
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions(), 0, CancellationToken.None);
        using var http = new HttpClient { BaseAddress = emulator.Uri };

        using var response = await http.PostAsync("v1/embeddings", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(expected, (await ReadJsonAsync(response))["error"]?["message"]?.GetValue<string>());
    }

    [Theory]
    [InlineData("v1/embeddings")]
    [InlineData("openai/deployments/emb/embeddings?api-version=2024-10-21")]
    public async Task Embeddings_InputMixingStringsAndTokenIds_400InvalidRequestWithCodeNullAsTheServiceAnswers(string path)
    {
        // Accepted (each element read on its own), a mix the service refuses ("'$.input' is invalid") passed a team's tests.
        // Its refusals carry "code": null; the emulator's carried "400", which neither OpenAI nor Azure OpenAI sends.
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions(), 0, CancellationToken.None);
        using var http = new HttpClient { BaseAddress = emulator.Uri };

        using var response = await http.PostAsync(path, new StringContent("""{"model":"emb","input":["a",[1]]}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await ReadJsonAsync(response))["error"]!.AsObject();
        Assert.Equal(["message", "type", "param", "code"], error.Select(p => p.Key));
        Assert.StartsWith("'input' mixes strings and token-id arrays", error["message"]?.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(("invalid_request_error", "input"), (error["type"]?.GetValue<string>(), error["param"]?.GetValue<string>()));
        Assert.Null(error["code"]);
        Assert.Equal(0, emulator.Counters.Embeddings);
    }

    [Fact]
    public async Task Embeddings_InputOverTheModelsContext_400AsTheServiceRefusesIt()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions(), 0, CancellationToken.None);
        using var http = new HttpClient { BaseAddress = emulator.Uri };
        var tokens = Enumerable.Range(0, 8193).ToArray();

        using var response = await http.PostAsJsonAsync("v1/embeddings", new { model = "emb", input = new[] { [1, 2, 3], tokens } });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(
            "This model's maximum context length is 8192 tokens, however you requested 8193 tokens (8193 in your prompt; 0 for the completion). Please reduce your prompt; or completion length.",
            (await ReadJsonAsync(response))["error"]?["message"]?.GetValue<string>());
    }

    [Fact]
    public async Task Embeddings_Usage_CountedWithTheEmbeddingModelsEncoding()
    {
        // text-embedding-3 and ada-002 read cl100k_base; counted with the chat models' o200k, this text was billed 17 tokens, not 23.
        const string Text = "Привет! Как дела? Это проверка подсчёта токенов.";
        var cl100k = Microsoft.ML.Tokenizers.TiktokenTokenizer.CreateForEncoding("cl100k_base").CountTokens(Text);
        Assert.NotEqual(Microsoft.ML.Tokenizers.TiktokenTokenizer.CreateForEncoding("o200k_base").CountTokens(Text), cl100k);
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions(), 0, CancellationToken.None);
        using var http = new HttpClient { BaseAddress = emulator.Uri };

        using var response = await http.PostAsJsonAsync("v1/embeddings", new { model = "text-embedding-3-small", input = new[] { Text, "hello" } });

        var usage = (await ReadJsonAsync(response))["usage"]!;
        Assert.Equal(cl100k + 1, usage["prompt_tokens"]?.GetValue<int>());
        Assert.Equal(cl100k + 1, usage["total_tokens"]?.GetValue<int>());
    }

    [Fact]
    public async Task Embeddings_OneInputOfMoreThan2048TokenIds_AnsweredAsOneInput()
    {
        // A flat array of numbers is one input: counted as 3000 inputs, it was refused "at most 2048 inputs".
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions(), 0, CancellationToken.None);
        using var http = new HttpClient { BaseAddress = emulator.Uri };

        using var response = await http.PostAsJsonAsync("v1/embeddings", new { model = "emb", input = Enumerable.Range(0, 3000).ToArray() });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await ReadJsonAsync(response);
        Assert.Single(body["data"]!.AsArray());
        Assert.Equal(3000, body["usage"]?["prompt_tokens"]?.GetValue<int>());
    }

    [Fact]
    public async Task Embeddings_OneInputOfTokenIdsOverTheContext_400ForItsLengthNotTheInputCount()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions(), 0, CancellationToken.None);
        using var http = new HttpClient { BaseAddress = emulator.Uri };

        using var response = await http.PostAsJsonAsync("v1/embeddings", new { model = "emb", input = Enumerable.Range(0, 9000).ToArray() });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith(
            "This model's maximum context length is 8192 tokens, however you requested 9000 tokens",
            (await ReadJsonAsync(response))["error"]?["message"]?.GetValue<string>(),
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task Embeddings_MoreThan2048Inputs_400AsTheServiceRefusesThem()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions(), 0, CancellationToken.None);
        using var http = new HttpClient { BaseAddress = emulator.Uri };

        using var response = await http.PostAsJsonAsync("v1/embeddings", new { model = "emb", input = Enumerable.Repeat("x", 2049).ToArray() });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("'input' must hold 2048 inputs at most (was 2049).", (await ReadJsonAsync(response))["error"]?["message"]?.GetValue<string>());
    }

    private static object Chat(string? model, string content) =>
        new { model, messages = new[] { new { role = "user", content } } };

    private static async Task<JsonNode> ReadJsonAsync(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

    /// <summary>The JSON chunks of a server-sent event stream, <c>[DONE]</c> left out.</summary>
    private static async Task<List<JsonNode>> ReadChunksAsync(HttpResponseMessage response) =>
        [.. (await response.Content.ReadAsStringAsync())
            .Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Select(e => e["data: ".Length..])
            .Where(d => d != "[DONE]")
            .Select(d => JsonNode.Parse(d)!)];

    /// <summary>A clock that fails when read, as a defect in a handler would.</summary>
    private sealed class BrokenClock : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => throw new InvalidOperationException("the clock is broken");
    }
}
