using Frugal.Emulator.Chat;
using Microsoft.ML.Tokenizers;

namespace Frugal.Emulator;

/// <summary>
/// Counts tokens the way OpenAI bills them for o200k_base models (gpt-4o family): each message costs its role,
/// name and content plus 3 tokens of framing (1 more with a name), and every reply is primed with 3 tokens. A
/// <c>json_schema</c> response format is billed too (the service puts the schema in front of the model), counted here
/// as the schema's compact JSON: OpenAI does not publish its exact framing, so this is close, not exact.
/// </summary>
internal sealed class TokenCounter
{
    public const int TokensPerMessage = 3;
    public const int TokensPerName = 1;
    public const int ReplyPrimingTokens = 3;

    private readonly TiktokenTokenizer _tokenizer = TiktokenTokenizer.CreateForEncoding("o200k_base");

    /// <summary>
    /// The embedding models' encoding (text-embedding-3-small and -large, text-embedding-ada-002 read cl100k_base, and
    /// bill the tokens they read): counted with o200k, a non-English text's embedding was billed well under the service's.
    /// </summary>
    private readonly Lazy<TiktokenTokenizer> _embeddingTokenizer = new(() => TiktokenTokenizer.CreateForEncoding("cl100k_base"));

    /// <summary>The o200k_base ids below its special tokens, all of them ordinary tokens.</summary>
    private const int OrdinaryTokens = 199_998;

    public int Count(string text) => _tokenizer.CountTokens(text);

    /// <summary>The tokens an embedding model reads (and bills) in <paramref name="text"/>.</summary>
    public int CountForEmbeddings(string text) => _embeddingTokenizer.Value.CountTokens(text);

    /// <summary>The texts of <paramref name="text"/>'s tokens, which concatenate back to it.</summary>
    public IReadOnlyList<string> Split(string text)
    {
        var tokens = _tokenizer.EncodeToTokens(text, out _);
        var pieces = new List<string>(tokens.Count);
        var at = 0;
        foreach (var token in tokens)
        {
            // A character split over two tokens goes whole with the first, so the pieces still make up the text.
            var end = Math.Max(at, token.Offset.End.GetOffset(text.Length));
            pieces.Add(text[at..end]);
            at = end;
        }

        if (at < text.Length && pieces.Count > 0)
        {
            pieces[^1] += text[at..];
        }

        return pieces;
    }

    /// <summary>A token of the vocabulary, drawn by <paramref name="random"/>, for a made-up alternative.</summary>
    public string AnyToken(DeterministicRandom random)
    {
        while (true)
        {
            // Tokens that are part of a character decode to a replacement character: drawn again.
            var text = _tokenizer.Decode([random.Next(OrdinaryTokens)]);
            if (text.Length > 0 && !text.Contains('\uFFFD', StringComparison.Ordinal))
            {
                return text;
            }
        }
    }

    public int CountPrompt(IReadOnlyList<PromptMessage> messages, System.Text.Json.Nodes.JsonNode? schema = null)
    {
        // Left out, a step with an output_schema was billed here for its messages alone, below what the service bills.
        var total = ReplyPrimingTokens + (schema is null ? 0 : Count(schema.ToJsonString()));
        foreach (var message in messages)
        {
            total += TokensPerMessage + Count(message.Role) + Count(message.Text);
            if (!string.IsNullOrEmpty(message.Name))
            {
                total += TokensPerName + Count(message.Name);
            }
        }

        return total;
    }

    /// <summary>Cuts <paramref name="text"/> to at most <paramref name="maxTokens"/> tokens.</summary>
    public string Truncate(string text, int maxTokens, out int tokens)
    {
        var index = _tokenizer.GetIndexByTokenCount(text, maxTokens, out _, out tokens);
        return text[..index];
    }
}
