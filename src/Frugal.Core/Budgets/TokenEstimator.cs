using Microsoft.Extensions.AI;
using Microsoft.ML.Tokenizers;

namespace Frugal.Budgets;

/// <summary>
/// Counts the prompt tokens of a call before it is sent, with the o200k_base encoding (GPT-4o family) from
/// Microsoft.ML.Tokenizers, plus OpenAI's per-message framing (about 3 tokens and the role per message, and 3 for the
/// reply) and a structured answer's JSON schema.
/// Other model families tokenize differently; the estimate only sizes reservations and the token-rate check, and the
/// provider's reported usage settles both afterwards.
/// </summary>
public sealed class TokenEstimator
{
    private const int PerMessage = 3;
    private const int PerReply = 3;

    private static readonly Lazy<Tokenizer> s_tokenizer = new(() => TiktokenTokenizer.CreateForEncoding("o200k_base"));

    /// <summary>Counts the tokens of a text.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The token count.</returns>
    public int Count(string? text) => string.IsNullOrEmpty(text) ? 0 : s_tokenizer.Value.CountTokens(text);

    /// <summary>Counts the prompt tokens of a conversation.</summary>
    /// <param name="messages">The messages sent.</param>
    /// <returns>The estimated input tokens.</returns>
    public int Count(IEnumerable<ChatMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        int total = PerReply;
        foreach (var message in messages)
        {
            total += PerMessage + Count(message.Role.Value) + Count(message.Text);
        }

        return total;
    }

    /// <summary>
    /// Counts the prompt tokens of a call: its messages and, for a structured answer, the JSON schema it asks for, which
    /// the service bills as prompt tokens. Left out, a step with an <c>output_schema</c> was estimated at its messages
    /// alone (support-triage's answer at about half of what it is billed), so a tokens-per-minute limit let twice its
    /// prompts through in a minute.
    /// </summary>
    /// <param name="messages">The messages sent.</param>
    /// <param name="options">The call's options (its response format).</param>
    /// <returns>The estimated input tokens.</returns>
    public int Count(IEnumerable<ChatMessage> messages, ChatOptions? options) =>
        Count(messages) + (options?.ResponseFormat is ChatResponseFormatJson { Schema: { } schema } ? Count(schema.GetRawText()) : 0);
}
