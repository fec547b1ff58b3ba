using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Frugal.Workflows;
using Microsoft.ML.Tokenizers;

namespace Frugal.Models;

/// <summary>
/// Cuts a prompt to a token limit, counted with the model's tokenizer: o200k (GPT-4o, GPT-4.1, o-series) or cl100k
/// (GPT-4, GPT-3.5), chosen from the tier's <c>Tokenizer</c> setting or its deployment's name; o200k for a model it does
/// not know, which the metadata says. Cuts fall on whitespace near the limit, never inside a word (text without spaces
/// near the limit is cut between tokens), and the metadata it returns says how much was cut and where.
/// </summary>
public static class PromptTrimmer
{
    /// <summary>The tokenizer used when the model's own is not known.</summary>
    public const string DefaultEncoding = "o200k_base";

    private const string Elision = "\n[...]\n";

    // How far from the token limit a cut looks for whitespace before it cuts at the limit itself.
    private const int WordSearch = 100;
    private static readonly char[] Whitespace = [' ', '\n', '\t'];
    private static readonly ConcurrentDictionary<string, Tokenizer> Encodings = new(StringComparer.Ordinal);

    /// <summary>Counts a text's tokens with the default (o200k) tokenizer.</summary>
    public static int CountTokens(string text) => Encoding(DefaultEncoding).CountTokens(text);

    /// <summary>Counts a text's tokens with <paramref name="encoding"/>.</summary>
    public static int CountTokens(string text, string encoding) => Encoding(encoding).CountTokens(text);

    /// <summary>
    /// The encoding for a tier: <paramref name="configured"/> when set (<c>o200k_base</c> or <c>cl100k_base</c>), else
    /// the one OpenAI uses for <paramref name="model"/> (a deployment is often named after its model), else
    /// <see cref="DefaultEncoding"/>; <c>Known</c> is false when it fell back to the default.
    /// </summary>
    public static (string Encoding, bool Known) EncodingFor(string? configured, string? model)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return (configured, true);
        }

        // Written here, not TiktokenTokenizer.CreateForModel: that loads a tokenizer per call and throws for names it
        // does not know, and Microsoft.ML.Tokenizers 3.0 exposes no model-to-encoding lookup; the encoding's name is
        // what the cache and the step's metadata need. The prefixes are OpenAI's (tiktoken's model_to_encoding).
        var name = model?.ToLowerInvariant() ?? string.Empty;
        return name switch
        {
            _ when name.StartsWith("gpt-4o", StringComparison.Ordinal) || name.StartsWith("gpt-4.1", StringComparison.Ordinal)
                || name.StartsWith("gpt-5", StringComparison.Ordinal) || name.StartsWith("o1", StringComparison.Ordinal)
                || name.StartsWith("o3", StringComparison.Ordinal) || name.StartsWith("o4", StringComparison.Ordinal) => (DefaultEncoding, true),
            _ when name.StartsWith("gpt-4", StringComparison.Ordinal) || name.StartsWith("gpt-35", StringComparison.Ordinal)
                || name.StartsWith("gpt-3.5", StringComparison.Ordinal) => ("cl100k_base", true),
            _ => (DefaultEncoding, false),
        };
    }

    /// <summary>Returns the prompt within <paramref name="maxTokens"/> and, when it was cut, what was cut.</summary>
    public static (string Prompt, JsonObject? Trimmed) Trim(string prompt, int maxTokens, TrimPolicy policy) =>
        Trim(prompt, maxTokens, policy, DefaultEncoding);

    /// <summary>Returns the prompt within <paramref name="maxTokens"/> of <paramref name="encoding"/> and, when it was cut, what was cut.</summary>
    public static (string Prompt, JsonObject? Trimmed) Trim(string prompt, int maxTokens, TrimPolicy policy, string encoding)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        var tokenizer = Encoding(encoding);
        var original = tokenizer.CountTokens(prompt);
        if (original <= maxTokens)
        {
            return (prompt, null);
        }

        int elision = tokenizer.CountTokens(Elision);
        var kept = policy switch
        {
            TrimPolicy.Start => Tail(tokenizer, prompt, maxTokens),

            // Too small a limit for a head, the marker and a tail (the marker alone is several tokens): the head only.
            TrimPolicy.Middle when maxTokens - elision < 2 => Head(tokenizer, prompt, maxTokens),
            TrimPolicy.Middle => Head(tokenizer, prompt, maxTokens / 2) + Elision + Tail(tokenizer, prompt, maxTokens - (maxTokens / 2) - elision),
            _ => Head(tokenizer, prompt, maxTokens),
        };
        var info = new JsonObject
        {
            ["policy"] = policy.ToString().ToLowerInvariant(),
            ["original_tokens"] = original,
            ["kept_tokens"] = tokenizer.CountTokens(kept),
            ["max_input_tokens"] = maxTokens,
            ["cut_characters"] = prompt.Length - kept.Length,
            ["tokenizer"] = encoding,
        };
        return (kept, info);
    }

    /// <summary>Whether <paramref name="encoding"/> is one this trimmer can count with.</summary>
    public static bool IsSupported(string encoding) => encoding is DefaultEncoding or "cl100k_base";

    private static Tokenizer Encoding(string encoding) =>
        Encodings.GetOrAdd(encoding, static e => IsSupported(e)
            ? TiktokenTokenizer.CreateForEncoding(e)
            : throw new ArgumentException($"tokenizer '{e}' is not one of {DefaultEncoding}, cl100k_base", nameof(encoding)));

    private static string Head(Tokenizer tokenizer, string text, int tokens)
    {
        if (tokens <= 0)
        {
            return string.Empty;
        }

        var index = tokenizer.GetIndexByTokenCount(text, tokens, out _, out _);
        if (index >= text.Length)
        {
            return text;
        }

        // At the last whitespace before the limit, when there is one near it; text without spaces (Chinese or Japanese
        // prose, a long URL, base64, minified JSON) is cut at the token boundary instead, where it used to lose
        // everything and fail the step.
        var space = text.LastIndexOfAny(Whitespace, Math.Max(0, index - 1), Math.Min(index, WordSearch));
        return space > 0 ? text[..space].TrimEnd() : text[..index];
    }

    private static string Tail(Tokenizer tokenizer, string text, int tokens)
    {
        if (tokens <= 0)
        {
            return string.Empty; // the tokenizer refuses a count of 0
        }

        var index = tokenizer.GetIndexByTokenCountFromEnd(text, tokens, out _, out _);
        if (index <= 0)
        {
            return text;
        }

        var space = text.IndexOfAny(Whitespace, index, Math.Min(text.Length - index, WordSearch));
        return space >= 0 ? text[(space + 1)..].TrimStart() : text[index..];
    }
}
