using System.Text.Json.Nodes;
using Frugal.Workflows;
using Microsoft.ML.Tokenizers;

namespace Frugal.Models;

/// <summary>
/// Cuts a prompt to a token limit, counted with the o200k tokenizer of the GPT-4o family. Cuts fall on whitespace,
/// never inside a word, and the metadata it returns says how much was cut and where.
/// </summary>
public static class PromptTrimmer
{
    private const string Elision = "\n[...]\n";
    private static readonly Lazy<Tokenizer> Tokenizer = new(() => TiktokenTokenizer.CreateForEncoding("o200k_base"));

    /// <summary>Counts a text's tokens.</summary>
    public static int CountTokens(string text) => Tokenizer.Value.CountTokens(text);

    /// <summary>Returns the prompt within <paramref name="maxTokens"/> and, when it was cut, what was cut.</summary>
    public static (string Prompt, JsonObject? Trimmed) Trim(string prompt, int maxTokens, TrimPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        var tokenizer = Tokenizer.Value;
        var original = tokenizer.CountTokens(prompt);
        if (original <= maxTokens)
        {
            return (prompt, null);
        }

        var kept = policy switch
        {
            TrimPolicy.Start => Tail(prompt, maxTokens),
            TrimPolicy.Middle => Head(prompt, maxTokens / 2) + Elision + Tail(prompt, Math.Max(0, maxTokens - (maxTokens / 2) - tokenizer.CountTokens(Elision))),
            _ => Head(prompt, maxTokens),
        };
        var info = new JsonObject
        {
            ["policy"] = policy.ToString().ToLowerInvariant(),
            ["original_tokens"] = original,
            ["kept_tokens"] = tokenizer.CountTokens(kept),
            ["max_input_tokens"] = maxTokens,
            ["cut_characters"] = prompt.Length - kept.Length,
        };
        return (kept, info);
    }

    private static string Head(string text, int tokens)
    {
        var index = Tokenizer.Value.GetIndexByTokenCount(text, tokens, out _, out _);
        if (index >= text.Length)
        {
            return text;
        }

        var space = text.LastIndexOfAny([' ', '\n', '\t'], Math.Max(0, index - 1));
        return text[..(space > 0 ? space : 0)].TrimEnd();
    }

    private static string Tail(string text, int tokens)
    {
        var index = Tokenizer.Value.GetIndexByTokenCountFromEnd(text, tokens, out _, out _);
        if (index <= 0)
        {
            return text;
        }

        var space = text.IndexOfAny([' ', '\n', '\t'], index);
        return space < 0 ? string.Empty : text[(space + 1)..].TrimStart();
    }
}
