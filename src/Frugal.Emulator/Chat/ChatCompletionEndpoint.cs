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
        if (request.MaxTokens > deploymentOptions.MaxOutputTokens)
        {
            // The service's refusal, in its words; answered here, a limit the model cannot reach passed and failed live.
            var asked = request.MaxTokens.Value.ToString(CultureInfo.InvariantCulture);
            await gate.RefuseAsync(
                http,
                $"{request.MaxTokensParam} is too large: {asked}. This model supports at most {deploymentOptions.MaxOutputTokens.ToString(CultureInfo.InvariantCulture)} completion tokens, whereas you provided {asked}.",
                request.MaxTokensParam);
            return;
        }

        var model = options.ModelOf(request.Deployment);
        var promptTokens = tokens.CountPrompt(request.Messages, request.Schema)
            + request.Messages.SelectMany(m => m.Images ?? []).Sum(image => ImageTokens.Count(image, model, options));
        if (promptTokens > deploymentOptions.ContextTokens)
        {
            // The service's refusal, in its words and code; a prompt the model cannot read was answered and billed here.
            await gate.RefuseAsync(
                http,
                $"This model's maximum context length is {deploymentOptions.ContextTokens.ToString(CultureInfo.InvariantCulture)} tokens. However, your messages resulted in {promptTokens.ToString(CultureInfo.InvariantCulture)} tokens. Please reduce the length of the messages.",
                "messages",
                "context_length_exceeded");
            return;
        }

        var fault = await gate.InjectFaultAsync(http, request.Deployment, deploymentOptions, chat: true);
        if (RequestGate.Answered(fault))
        {
            return;
        }

        var verdict = quality.Judge(deploymentOptions, request.Messages);
        var answers = new List<Answer>(request.Choices);
        for (var choice = 0; choice < request.Choices; choice++)
        {
            answers.Add(ComposeAnswer(request, deploymentOptions, verdict, choice));
        }

        // The prompt is billed once however many choices there are; every choice's tokens are billed.
        var completionTokens = answers.Sum(a => a.Tokens);
        var id = "chatcmpl-" + DeterministicRandom.Hash(request.Deployment, answers[0].Text, promptTokens.ToString(CultureInfo.InvariantCulture)).ToString("x16", CultureInfo.InvariantCulture);
        IReadOnlyDictionary<string, ContentFilterResult>? filtered = null;
        if (fault == FaultKind.CompletionFilter)
        {
            // Azure OpenAI sends a filtered completion without its content and bills the tokens generated (see InjectedContentFilter).
            answers = [.. answers.Select(a => a with { Text = string.Empty, FinishReason = "content_filter", Logprobs = null })];
            filtered = InjectedContentFilter.Results;
        }

        var created = timeProvider.GetUtcNow().ToUnixTimeSeconds();
        var usage = new TokenUsage(promptTokens, completionTokens, promptTokens + completionTokens, new PromptTokensDetails(0), new CompletionTokensDetails(0));

        if (request.Stream)
        {
            await StreamAsync(http, request, deploymentOptions, id, created, answers, usage, filtered);
        }
        else
        {
            // The choices are generated side by side: the longest one takes the time.
            var latency = faults.DrawLatency(request.Deployment, deploymentOptions, answers.Max(a => a.Tokens));
            await Task.Delay(latency, timeProvider, http.RequestAborted);
            var response = new ChatCompletionResponse(
                id,
                "chat.completion",
                created,
                options.ModelOf(request.Deployment),
                Fingerprint,
                [.. answers.Select((a, index) => new ChatChoice(index, new AssistantMessage("assistant", filtered is null ? a.Text : null), a.FinishReason, filtered, LogprobsOf(a.Logprobs)))],
                usage);
            await http.Response.WriteAsJsonAsync(response, EmulatorJsonContext.Default.ChatCompletionResponse, cancellationToken: http.RequestAborted);
        }

        counters.OnChatCompletion(promptTokens, completionTokens);
    }

    /// <summary>
    /// One choice's answer: ended at a stop sequence, cut at the request's token limit or else the deployment's, its tokens, and their log probabilities
    /// when the request asks for them.
    /// </summary>
    private Answer ComposeAnswer(ChatRequest request, DeploymentOptions deploymentOptions, bool? verdict, int choice)
    {
        var text = CutAtStop(AnswerComposer.Compose(request, verdict, choice), request.Stop);
        var count = tokens.Count(text);
        var finishReason = "stop";

        // A request without a limit is still cut at the model's, as the service cuts it; the answer went on, billed past it.
        var max = request.MaxTokens ?? deploymentOptions.MaxOutputTokens;
        if (count > max)
        {
            (text, finishReason) = (tokens.Truncate(text, (int)max, out count), "length");
        }

        var logprobs = request.TopLogprobs is { } top
            ? LogprobsComposer.Compose(tokens, text, top, DeterministicRandom.Hash(request.Deployment, text, choice.ToString(CultureInfo.InvariantCulture)))
            : null;
        return new Answer(text, finishReason, count, logprobs);
    }

    private static ChoiceLogprobs? LogprobsOf(IReadOnlyList<TokenLogprob>? entries) => entries is null ? null : new ChoiceLogprobs(entries);

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
        IReadOnlyList<Answer> answers,
        TokenUsage usage,
        IReadOnlyDictionary<string, ContentFilterResult>? filtered)
    {
        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache";
        var ct = http.RequestAborted;

        ChatCompletionChunk Chunk(int index, ChunkDelta? delta, string? finish, TokenUsage? chunkUsage, IReadOnlyDictionary<string, ContentFilterResult>? results = null, IReadOnlyList<TokenLogprob>? logprobs = null) => new(
            id,
            "chat.completion.chunk",
            created,
            options.ModelOf(request.Deployment),
            Fingerprint,
            delta is null ? [] : [new ChunkChoice(index, delta, finish, results, LogprobsOf(logprobs))],
            chunkUsage);

        await Task.Delay(faults.DrawLatency(request.Deployment, deploymentOptions, 0), timeProvider, ct);
        for (var index = 0; index < answers.Count; index++)
        {
            await WriteEventAsync(http, Chunk(index, new ChunkDelta("assistant", string.Empty), null, null), ct);
        }

        // The choices are generated side by side, so their pieces come interleaved, each chunk naming its choice.
        // With log probabilities asked for, a piece is a few whole tokens, so each chunk carries its own tokens' entries.
        var pieces = answers
            .Select(a => a.Logprobs is { } entries
                ? [.. entries.Chunk(WordsPerChunk).Select(group => (string.Concat(group.Select(e => e.Token)), (IReadOnlyList<TokenLogprob>?)group))]
                : Pieces(a.Text).Select(p => (Text: p, Logprobs: (IReadOnlyList<TokenLogprob>?)null)).ToList())
            .ToList();
        for (var step = 0; step < pieces.Max(p => p.Count); step++)
        {
            if (deploymentOptions.PerOutputTokenMs > 0)
            {
                var longest = pieces.Where(p => step < p.Count).Max(p => tokens.Count(p[step].Text));
                await Task.Delay(TimeSpan.FromMilliseconds(deploymentOptions.PerOutputTokenMs * longest), timeProvider, ct);
            }

            for (var index = 0; index < answers.Count; index++)
            {
                if (step < pieces[index].Count)
                {
                    var (text, logprobs) = pieces[index][step];
                    await WriteEventAsync(http, Chunk(index, new ChunkDelta(null, text), null, null, logprobs: logprobs), ct);
                }
            }
        }

        // Azure OpenAI annotates the chunk that ends a filtered completion with why, as it does the whole answer.
        for (var index = 0; index < answers.Count; index++)
        {
            await WriteEventAsync(http, Chunk(index, new ChunkDelta(null, null), answers[index].FinishReason, null, filtered), ct);
        }

        if (request.IncludeUsage)
        {
            await WriteEventAsync(http, Chunk(0, null, null, usage), ct);
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

    private sealed record Answer(string Text, string FinishReason, int Tokens, IReadOnlyList<TokenLogprob>? Logprobs = null);
}
