using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Frugal.Emulator.Protocol;
using Microsoft.AspNetCore.Http;

namespace Frugal.Emulator.Chat;

/// <summary>Answers <c>chat/completions</c> requests, whole or streamed as server-sent events.</summary>
internal sealed class ChatCompletionEndpoint(
    EmulatorOptions options,
    RequestGate gate,
    EmulatorCounters counters,
    TokenCounter tokens,
    FaultInjector faults,
    Quality.QualityJudge quality,
    TimeProvider timeProvider)
{
    private const string Fingerprint = "fp_frugal_emulator";
    private const int WordsPerChunk = 3;

    public async Task HandleAsync(HttpContext http, string? routeDeployment)
    {
        if (!await gate.AuthorizeAsync(http))
        {
            return;
        }

        ChatRequest request;
        try
        {
            var body = await JsonNode.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted);
            request = ChatRequestParser.Parse(body, routeDeployment);
        }
        catch (JsonException ex)
        {
            await gate.RefuseAsync(http, $"The request body is not valid JSON: {JsonErrors.Describe(ex)}", null);
            return;
        }
        catch (EmulatorRequestException ex)
        {
            await gate.RefuseAsync(http, ex.Message, ex.Param);
            return;
        }

        if (await gate.TryRefuseUnknownDeploymentAsync(http, request.Deployment, options))
        {
            return;
        }

        var deploymentOptions = options.For(request.Deployment);
        var fault = await gate.InjectFaultAsync(http, request.Deployment, deploymentOptions, chat: true);
        if (RequestGate.Answered(fault))
        {
            return;
        }

        var answer = CutAtStop(AnswerComposer.Compose(request, quality.Judge(deploymentOptions, request.Messages)), request.Stop);
        var promptTokens = tokens.CountPrompt(request.Messages, request.Schema);
        var completionTokens = tokens.Count(answer);
        var finishReason = "stop";
        if (request.MaxTokens is { } max && completionTokens > max)
        {
            answer = tokens.Truncate(answer, max, out completionTokens);
            finishReason = "length";
        }

        var id = "chatcmpl-" + DeterministicRandom.Hash(request.Deployment, answer, promptTokens.ToString(CultureInfo.InvariantCulture)).ToString("x16", CultureInfo.InvariantCulture);
        IReadOnlyDictionary<string, ContentFilterResult>? filtered = null;
        if (fault == FaultKind.CompletionFilter)
        {
            // Azure OpenAI sends a filtered completion without its content and bills the tokens generated (see InjectedContentFilter).
            (answer, finishReason, filtered) = (string.Empty, "content_filter", InjectedContentFilter.Results);
        }

        var created = timeProvider.GetUtcNow().ToUnixTimeSeconds();
        var usage = new TokenUsage(promptTokens, completionTokens, promptTokens + completionTokens, new PromptTokensDetails(0), new CompletionTokensDetails(0));

        if (request.Stream)
        {
            await StreamAsync(http, request, deploymentOptions, id, created, answer, finishReason, usage, filtered);
        }
        else
        {
            var latency = faults.DrawLatency(request.Deployment, deploymentOptions, completionTokens);
            await Task.Delay(latency, timeProvider, http.RequestAborted);
            var response = new ChatCompletionResponse(
                id,
                "chat.completion",
                created,
                options.ModelOf(request.Deployment),
                Fingerprint,
                [new ChatChoice(0, new AssistantMessage("assistant", filtered is null ? answer : null), finishReason, filtered)],
                usage);
            await http.Response.WriteAsJsonAsync(response, EmulatorJsonContext.Default.ChatCompletionResponse, cancellationToken: http.RequestAborted);
        }

        counters.OnChatCompletion(promptTokens, completionTokens);
    }

    /// <summary>
    /// Ends the answer before the first of the request's stop sequences, as OpenAI does ("the returned text will not
    /// contain the stop sequence"); the finish reason stays <c>stop</c>. Ignored, a client's stop sequence came back in
    /// the answer and was billed, so a test of the client's stop handling passed here and failed against the service.
    /// </summary>
    private static string CutAtStop(string answer, IReadOnlyList<string>? stop)
    {
        var end = answer.Length;
        foreach (var sequence in stop ?? [])
        {
            var at = sequence.Length == 0 ? -1 : answer.IndexOf(sequence, StringComparison.Ordinal);
            if (at >= 0 && at < end)
            {
                end = at;
            }
        }

        return answer[..end];
    }

    private async Task StreamAsync(
        HttpContext http,
        ChatRequest request,
        DeploymentOptions deploymentOptions,
        string id,
        long created,
        string answer,
        string finishReason,
        TokenUsage usage,
        IReadOnlyDictionary<string, ContentFilterResult>? filtered)
    {
        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache";
        var ct = http.RequestAborted;

        ChatCompletionChunk Chunk(ChunkDelta? delta, string? finish, TokenUsage? chunkUsage, IReadOnlyDictionary<string, ContentFilterResult>? results = null) => new(
            id,
            "chat.completion.chunk",
            created,
            options.ModelOf(request.Deployment),
            Fingerprint,
            delta is null ? [] : [new ChunkChoice(0, delta, finish, results)],
            chunkUsage);

        await Task.Delay(faults.DrawLatency(request.Deployment, deploymentOptions, 0), timeProvider, ct);
        await WriteEventAsync(http, Chunk(new ChunkDelta("assistant", string.Empty), null, null), ct);
        foreach (var piece in Pieces(answer))
        {
            if (deploymentOptions.PerOutputTokenMs > 0)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(deploymentOptions.PerOutputTokenMs * tokens.Count(piece)), timeProvider, ct);
            }

            await WriteEventAsync(http, Chunk(new ChunkDelta(null, piece), null, null), ct);
        }

        // Azure OpenAI annotates the chunk that ends a filtered completion with why, as it does the whole answer.
        await WriteEventAsync(http, Chunk(new ChunkDelta(null, null), finishReason, null, filtered), ct);
        if (request.IncludeUsage)
        {
            await WriteEventAsync(http, Chunk(null, null, usage), ct);
        }

        await http.Response.WriteAsync("data: [DONE]\n\n", ct);
    }

    private static async Task WriteEventAsync(HttpContext http, ChatCompletionChunk chunk, CancellationToken ct)
    {
        var json = JsonSerializer.Serialize(chunk, EmulatorJsonContext.Default.ChatCompletionChunk);
        await http.Response.WriteAsync($"data: {json}\n\n", Encoding.UTF8, ct);
        await http.Response.Body.FlushAsync(ct);
    }

    /// <summary>Splits the answer into pieces of a few words that concatenate back to it exactly.</summary>
    private static IEnumerable<string> Pieces(string answer)
    {
        var start = 0;
        var words = 0;
        for (var i = 1; i < answer.Length; i++)
        {
            if (answer[i] == ' ' && answer[i - 1] != ' ' && ++words == WordsPerChunk)
            {
                yield return answer[start..i];
                start = i;
                words = 0;
            }
        }

        if (start < answer.Length)
        {
            yield return answer[start..];
        }
    }
}
