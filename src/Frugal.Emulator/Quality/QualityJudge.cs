using System.Text;
using Frugal.Emulator.Chat;
using Frugal.Routing;

namespace Frugal.Emulator.Quality;

/// <summary>
/// Marks emulated answers correct or wrong from labelled data (<see cref="EmulatorOptions.QualityData"/>, the router's CSV
/// format, read by the same <see cref="RoutingDataReader"/>). The request's last user message is looked up exactly, then
/// normalised (trimmed, whitespace collapsed, lower-cased), then as the longest labelled prompt (20 characters or more)
/// it contains, so that a workflow may wrap the prompt in its own instructions. A deployment whose
/// <see cref="DeploymentOptions.QualityTier"/> is <c>cheap</c> is judged by <c>cheap_score</c>, <c>premium</c> by
/// <c>premium_score</c>; a score of 0.5 or more is correct.
/// </summary>
internal sealed class QualityJudge
{
    private const int MinimumContainedLength = 20;
    private readonly Dictionary<string, RoutingExample> exact = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RoutingExample> normalised = new(StringComparer.Ordinal);
    private readonly List<(string Text, RoutingExample Example)> byLength;

    public QualityJudge(EmulatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var examples = string.IsNullOrWhiteSpace(options.QualityData) ? [] : RoutingDataReader.Read(options.QualityData);
        foreach (var example in examples)
        {
            exact.TryAdd(example.Prompt, example);
            normalised.TryAdd(Normalise(example.Prompt), example);
        }

        byLength = [.. normalised.Where(p => p.Key.Length >= MinimumContainedLength).OrderByDescending(p => p.Key.Length).Select(p => (p.Key, p.Value))];
    }

    /// <summary>Gets the number of labelled prompts.</summary>
    public int Count => exact.Count;

    /// <summary>Judges an answer: <see langword="null"/> when the deployment has no tier or the prompt is not labelled.</summary>
    public bool? Judge(DeploymentOptions deployment, IReadOnlyList<PromptMessage> messages)
    {
        if (Count == 0 || deployment.QualityTier is not { } tier || !TryFind(messages, out var example))
        {
            return null;
        }

        var score = string.Equals(tier, QualityTiers.Premium, StringComparison.OrdinalIgnoreCase) ? example.PremiumScore : example.CheapScore;
        return score >= 0.5;
    }

    private bool TryFind(IReadOnlyList<PromptMessage> messages, out RoutingExample example)
    {
        example = null!;
        var user = messages.LastOrDefault(m => string.Equals(m.Role, "user", StringComparison.OrdinalIgnoreCase));
        if (user is null)
        {
            return false;
        }

        if (exact.TryGetValue(user.Text, out example!) || normalised.TryGetValue(Normalise(user.Text), out example!))
        {
            return true;
        }

        var text = Normalise(user.Text);
        foreach (var (prompt, candidate) in byLength)
        {
            if (prompt.Length <= text.Length && text.Contains(prompt, StringComparison.Ordinal))
            {
                example = candidate;
                return true;
            }
        }

        return false;
    }

    private static string Normalise(string text)
    {
        var builder = new StringBuilder(text.Length);
        var space = false;
        foreach (var c in text.Trim())
        {
            if (char.IsWhiteSpace(c))
            {
                space = true;
                continue;
            }

            if (space)
            {
                builder.Append(' ');
                space = false;
            }

            builder.Append(char.ToLowerInvariant(c));
        }

        return builder.ToString();
    }
}
