using Frugal.Models;
using Frugal.Workflows;

namespace Frugal.Core.Tests.Models;

/// <summary>Token limits are counted with the model's tokenizer (they were always counted with o200k).</summary>
public sealed class PromptTrimmerTests
{
    [Theory]
    [InlineData(null, "gpt-4o-mini", "o200k_base", true)]
    [InlineData(null, "gpt-4.1-nano", "o200k_base", true)]
    [InlineData(null, "o4-mini", "o200k_base", true)]
    [InlineData(null, "gpt-4", "cl100k_base", true)]
    [InlineData(null, "gpt-35-turbo", "cl100k_base", true)]
    [InlineData(null, "my-llama-70b", "o200k_base", false)]
    [InlineData("cl100k_base", "my-deployment", "cl100k_base", true)]
    public void EncodingFor_SettingOrDeploymentName_TheModelsTokenizer(string? configured, string deployment, string encoding, bool known)
    {
        Assert.Equal((encoding, known), PromptTrimmer.EncodingFor(configured, deployment));
    }

    [Fact]
    public void Trim_Cl100kModel_CountsWithCl100k()
    {
        // Non-English text tokenises quite differently in the two encodings.
        var prompt = string.Join(' ', Enumerable.Repeat("Überprüfen Sie die Bestellbestätigung für die Rücksendung", 40));

        var (_, o200k) = PromptTrimmer.Trim(prompt, 50, TrimPolicy.End, "o200k_base");
        var (kept, cl100k) = PromptTrimmer.Trim(prompt, 50, TrimPolicy.End, "cl100k_base");

        Assert.Equal(PromptTrimmer.CountTokens(prompt, "cl100k_base"), cl100k!["original_tokens"]!.GetValue<int>());
        Assert.NotEqual(o200k!["original_tokens"]!.GetValue<int>(), cl100k["original_tokens"]!.GetValue<int>());
        Assert.Equal("cl100k_base", cl100k["tokenizer"]!.GetValue<string>());
        Assert.InRange(PromptTrimmer.CountTokens(kept, "cl100k_base"), 1, 50);
    }

    [Fact]
    public void Validate_UnknownTokenizer_NamesTheKey()
    {
        var options = new ModelsOptions
        {
            Cheap = new ModelEndpointOptions { Endpoint = new Uri("https://x.openai.azure.com/"), Deployment = "d", ApiKey = "k", Tokenizer = "llama3" },
            Premium = new ModelEndpointOptions { Endpoint = new Uri("https://x.openai.azure.com/"), Deployment = "d", ApiKey = "k" },
        };

        var result = new ModelsOptionsValidator().Validate(null, options);

        Assert.Contains("Frugal:Models:Cheap:Tokenizer must be o200k_base or cl100k_base (was 'llama3').", result.Failures!);
    }

    [Theory]
    [InlineData(TrimPolicy.End)]
    [InlineData(TrimPolicy.Start)]
    [InlineData(TrimPolicy.Middle)]
    public void Trim_TextWithoutSpaces_CutBetweenTokensInsteadOfLosingAll(TrimPolicy policy)
    {
        // Japanese prose (no spaces) lost everything: "max_input_tokens 500 leaves nothing of the prompt (1000 tokens)".
        var prompt = string.Concat(Enumerable.Repeat("日本語のテキストはスペースがありません。これは長い文です。とても長い文です。😀", 40));

        var (kept, trimmed) = PromptTrimmer.Trim(prompt, 500, policy);

        Assert.NotNull(trimmed);
        Assert.InRange(PromptTrimmer.CountTokens(kept), 480, 500);
        Assert.DoesNotContain(System.Text.Rune.ReplacementChar, kept.EnumerateRunes()); // no half of a surrogate pair
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(8)]
    [InlineData(9)]
    public void Trim_MiddleWithATinyLimit_KeepsWhatFitsInsteadOfThrowing(int limit)
    {
        // The tail got a count of 0 and the tokenizer threw: the step failed three times and its calls were booked as
        // unpriced (possibly billed) though nothing was sent.
        var prompt = "Summarise the following customer complaint about a delayed parcel and propose a refund amount please.";

        var (kept, _) = PromptTrimmer.Trim(prompt, limit, TrimPolicy.Middle);

        Assert.InRange(PromptTrimmer.CountTokens(kept), 0, limit);
    }
}
