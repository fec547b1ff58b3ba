using Frugal.Emulator.Chat;

namespace Frugal.Core.Tests.Models;

public sealed class PromptDigestTests
{
    [Fact]
    public void From_LongWordOfEmojiCutAtTheSentenceLimit_EndsOnAWholeCharacter()
    {
        // One letter, then emoji without spaces: the 400-character cut fell between the two halves of an emoji, and the
        // answer echoed a lone surrogate (not text: a client's JSON reader, and Frugal's own checks, refuse it).
        var digest = Digest("x" + string.Concat(Enumerable.Repeat("😀", 300)));

        Assert.False(char.IsHighSurrogate(digest.FirstSentence[^2]), $"ends with a lone surrogate: ...{digest.FirstSentence[^5..]}");
        Assert.Equal("x" + string.Concat(Enumerable.Repeat("😀", 199)) + ".", digest.FirstSentence);
    }

    [Fact]
    public void From_SentenceLimitReachedAtAWordsStart_NoSpaceOrCommaBeforeTheFullStop()
    {
        // The cut came just after the space that starts the next word: "...aaa, ." rather than "...aaa.".
        var digest = Digest(new string('a', 398) + ", next words");

        Assert.Equal(new string('a', 398) + ".", digest.FirstSentence);
    }

    private static PromptDigest Digest(string prompt) => PromptDigest.From("gpt-4o-mini", [new PromptMessage("user", null, prompt)]);
}
