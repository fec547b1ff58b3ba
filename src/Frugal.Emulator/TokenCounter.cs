using Frugal.Emulator.Chat;
using Microsoft.ML.Tokenizers;

namespace Frugal.Emulator;

/// <summary>
/// Counts tokens the way OpenAI bills them for o200k_base models (gpt-4o family): each message costs its role,
/// name and content plus 3 tokens of framing (1 more with a name), and every reply is primed with 3 tokens.
/// </summary>
internal sealed class TokenCounter
{
    public const int TokensPerMessage = 3;
    public const int TokensPerName = 1;
    public const int ReplyPrimingTokens = 3;

    private readonly TiktokenTokenizer _tokenizer = TiktokenTokenizer.CreateForEncoding("o200k_base");

    public int Count(string text) => _tokenizer.CountTokens(text);

    public int CountPrompt(IReadOnlyList<PromptMessage> messages)
    {
        var total = ReplyPrimingTokens;
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
