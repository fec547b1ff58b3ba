using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Azure.AI.OpenAI;
using Frugal.Emulator;
using Frugal.Models;
using Microsoft.Extensions.AI;
using OpenAI;
using ChatCompletionOptions = OpenAI.Chat.ChatCompletionOptions;

namespace Frugal.Core.Tests.Models;

/// <summary>
/// The emulator refuses a request field the service does not take, and takes every one the real Azure OpenAI client
/// sends: the client's requests are captured on the wire, so a field it starts sending shows here.
/// </summary>
public sealed class EmulatorRequestFieldsTests
{
    private const string ChatPath = "openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21";

    [Theory]
    [InlineData("v1/chat/completions", """{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}],"max_token":5}""", "Unrecognized request argument supplied: max_token")]
    [InlineData(ChatPath, """{"messages":[{"role":"user","content":"hi"}],"top_k":5,"repetition_penalty":1.1}""", "Unrecognized request arguments supplied: top_k, repetition_penalty")]
    [InlineData("v1/chat/completions", """{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}],"data_sources":[]}""", "Unrecognized request argument supplied: data_sources")]
    [InlineData("v1/embeddings", """{"model":"emb","input":"x","encoding":"float"}""", "Unrecognized request argument supplied: encoding")]
    [InlineData("v1/embeddings", """{"model":"emb","input":"x","input_type":"query"}""", "Unrecognized request argument supplied: input_type")]
    public async Task Request_FieldTheServiceDoesNotTake_400UnrecognizedArgument(string path, string body, string expected)
    {
        // Accepted silently, a misspelt field (or one only another provider takes) passed a team's tests and was a 400 live.
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions(), 0, CancellationToken.None);
        using var http = new HttpClient { BaseAddress = emulator.Uri };

        using var response = await http.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;
        Assert.Equal(expected, error["message"]?.GetValue<string>());
        Assert.Equal("invalid_request_error", error["type"]?.GetValue<string>());
    }

    [Fact]
    public async Task Request_EveryFieldTheServiceDocuments_Answered()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions(), 0, CancellationToken.None);
        using var http = new HttpClient { BaseAddress = emulator.Uri };
        var chat = """
            {"model":"gpt-4o","messages":[{"role":"user","content":"Reply in json."}],"frequency_penalty":0,"logit_bias":{"50256":-100},
             "logprobs":false,"max_completion_tokens":50,"n":1,"presence_penalty":0,"response_format":{"type":"json_object"},
             "seed":1,"service_tier":"auto","stop":null,"stream":false,"temperature":1,"top_p":1,
             "tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object","properties":{}}}}],"tool_choice":"none",
             "parallel_tool_calls":true,"user":"u","functions":[{"name":"g","parameters":{"type":"object","properties":{}}}],"function_call":"none",
             "store":false,"metadata":{"k":"v"},"modalities":["text"],"audio":null,"prediction":{"type":"content","content":"x"},
             "reasoning_effort":"low","web_search_options":{},"prompt_cache_key":"p","safety_identifier":"s","verbosity":"medium"}
            """;
        var azureOnly = """{"messages":[{"role":"user","content":"hi"}],"data_sources":[],"user_security_context":{"end_user_id":"u"}}""";

        using var openAI = await http.PostAsync("v1/chat/completions", new StringContent(chat, Encoding.UTF8, "application/json"));
        using var azure = await http.PostAsync(ChatPath, new StringContent(azureOnly, Encoding.UTF8, "application/json"));
        using var embeddings = await http.PostAsJsonAsync("openai/deployments/emb/embeddings?api-version=2024-10-21", new { model = "emb", input = "x", encoding_format = "float", dimensions = 8, user = "u", input_type = "query" });

        Assert.Equal(HttpStatusCode.OK, openAI.StatusCode);
        Assert.Equal(HttpStatusCode.OK, azure.StatusCode);
        Assert.Equal(HttpStatusCode.OK, embeddings.StatusCode);
    }

    [Theory]
    [InlineData(ModelEndpointKind.AzureOpenAI)]
    [InlineData(ModelEndpointKind.OpenAI)]
    public async Task ModelClients_EveryOptionSet_EveryFieldTheySendIsTaken(ModelEndpointKind kind)
    {
        // The clients Frugal builds (ModelClientFactory), sending through a transport that keeps what goes on the wire.
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions(), 0, CancellationToken.None);
        var sent = new List<(HttpStatusCode Status, JsonObject Body)>();
        using var transport = new HttpClient(new CapturingHandler(sent) { InnerHandler = new HttpClientHandler() });
        var endpoint = new ModelEndpointOptions
        {
            Kind = kind,
            Endpoint = kind == ModelEndpointKind.OpenAI ? emulator.OpenAIEndpoint : emulator.Uri,
            Deployment = "gpt-4o",
            ApiKey = "k",
        };
        var chat = new ModelClientFactory().CreateChatClient(endpoint, transport);
        var options = new ChatOptions
        {
            Temperature = 0.5f,
            TopP = 0.9f,
            MaxOutputTokens = 50,
            FrequencyPenalty = 0.1f,
            PresencePenalty = 0.1f,
            Seed = 7,
            StopSequences = ["zzz"],
            Tools = [AIFunctionFactory.Create((string id) => id, "lookup", "Looks an order up.")],
            ToolMode = ChatToolMode.Auto,
            AllowMultipleToolCalls = true,
            ResponseFormat = Microsoft.Extensions.AI.ChatResponseFormat.Json,
            RawRepresentationFactory = _ =>
            {
                var raw = new ChatCompletionOptions
                {
                    EndUserId = "user-1",
                    IncludeLogProbabilities = true,
                    TopLogProbabilityCount = 2,
                    StoredOutputEnabled = false,
                };
                raw.Metadata["team"] = "costs";
                raw.LogitBiases[50256] = -100;
                return raw;
            },
        };
        ChatMessage[] messages = [new(ChatRole.System, "Answer in json."), new(ChatRole.User, "Where is order 42?")];

        await chat.GetResponseAsync(messages, options);
        await chat.GetStreamingResponseAsync(messages, options).ToChatResponseAsync();
        var client = kind == ModelEndpointKind.OpenAI
            ? new OpenAIClient(new ApiKeyCredential("k"), new OpenAIClientOptions { Endpoint = emulator.OpenAIEndpoint, Transport = new HttpClientPipelineTransport(transport) })
            : new AzureOpenAIClient(emulator.Uri, new ApiKeyCredential("k"), new AzureOpenAIClientOptions { Transport = new HttpClientPipelineTransport(transport) });
        await client.GetEmbeddingClient("emb").AsIEmbeddingGenerator(8).GenerateAsync(["refund"], new EmbeddingGenerationOptions { Dimensions = 8 });

        Assert.Equal(3, sent.Count);
        Assert.All(sent, s => Assert.True(s.Status == HttpStatusCode.OK, $"{s.Status} for {s.Body.ToJsonString()}"));
        var fields = sent.SelectMany(s => s.Body.Select(p => p.Key)).ToHashSet();
        Assert.Superset(
            new HashSet<string> { "messages", "temperature", "top_p", "frequency_penalty", "presence_penalty", "seed", "stop", "tools", "tool_choice", "parallel_tool_calls", "response_format", "logprobs", "top_logprobs", "logit_bias", "metadata", "store", "user", "stream", "stream_options", "input", "dimensions" },
            fields);
    }

    /// <summary>Keeps each request's JSON body and the status it was answered with.</summary>
    private sealed class CapturingHandler(List<(HttpStatusCode, JsonObject)> sent) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = JsonNode.Parse(await request.Content!.ReadAsStringAsync(cancellationToken))!.AsObject();
            var response = await base.SendAsync(request, cancellationToken);
            sent.Add((response.StatusCode, body));
            return response;
        }
    }
}
