using System.Globalization;
using System.Text;
using Frugal.Emulator.Protocol;

namespace Frugal.Emulator.Chat;

/// <summary>
/// Gives an answer's tokens deterministic log probabilities, as <c>logprobs: true</c> asks of the service: one entry per
/// output token (its text, its UTF-8 bytes, a log probability of at most 0) with <c>top_logprobs</c> alternatives in
/// decreasing order, the answer's own token first. The probabilities are drawn from a seed of the answer, so the same
/// request gets the same ones, and those of a token and its alternatives add up to less than 1.
/// </summary>
internal static class LogprobsComposer
{
    public static List<TokenLogprob> Compose(TokenCounter tokens, string answer, int topLogprobs, ulong seed)
    {
        var pieces = tokens.Split(answer);
        var entries = new List<TokenLogprob>(pieces.Count);
        for (var position = 0; position < pieces.Count; position++)
        {
            var random = new DeterministicRandom(DeterministicRandom.Hash(seed.ToString(CultureInfo.InvariantCulture), position.ToString(CultureInfo.InvariantCulture)));
            var token = pieces[position];
            var chosen = 0.5 + (0.5 * random.NextDouble());
            var top = new List<TopLogprob>(topLogprobs);
            var used = new HashSet<string>(StringComparer.Ordinal) { token };
            for (var k = 0; k < topLogprobs; k++)
            {
                var (text, probability) = (token, chosen);
                if (k > 0)
                {
                    do
                    {
                        text = tokens.AnyToken(random);
                    }
                    while (!used.Add(text));

                    probability = (1 - chosen) * Math.Pow(0.5, k);
                }

                top.Add(new TopLogprob(text, Math.Log(probability), Bytes(text)));
            }

            entries.Add(new TokenLogprob(token, Math.Log(chosen), Bytes(token), top));
        }

        return entries;
    }

    private static int[] Bytes(string token) => [.. Encoding.UTF8.GetBytes(token).Select(b => (int)b)];
}
