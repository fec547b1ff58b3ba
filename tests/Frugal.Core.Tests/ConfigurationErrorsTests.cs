using Frugal.Budgets;
using Frugal.Telemetry;
using Microsoft.Extensions.Configuration;

namespace Frugal.Core.Tests;

public sealed class ConfigurationErrorsTests
{
    [Theory]
    [InlineData("Action", "Explode", "configuration error: 'Frugal:Budgets:Action' cannot be 'Explode'; expected one of: Downgrade, Refuse")]
    [InlineData("ReservationLease", "10m", "configuration error: 'Frugal:Budgets:ReservationLease' cannot be '10m'; expected a duration such as 00:00:30 (hours:minutes:seconds; 1.00:00:00 is a day)")]
    [InlineData("PerRun", "0,25", "configuration error: 'Frugal:Budgets:PerRun' cannot be '0,25'; expected a number such as 0.25 (with '.' before the decimals)")]
    [InlineData("DefaultMaxOutputTokens", "3000000000", "configuration error: 'Frugal:Budgets:DefaultMaxOutputTokens' cannot be '3000000000'; expected a whole number from -2147483648 to 2147483647")]
    public void Describe_ValueThatDoesNotConvert_SaysWhatTheKeyTakes(string key, string value, string expected)
    {
        // It said "... to type 'Frugal.Budgets.BudgetAction'.": a .NET type, not the values a user may write.
        var ex = Bind<BudgetOptions>("Frugal:Budgets", key, value);

        Assert.Equal([expected], ConfigurationErrors.Describe(ex));
    }

    [Fact]
    public void Describe_BoolThatDoesNotConvert_SaysTrueOrFalse()
    {
        var ex = Bind<TelemetryOptions>("Frugal:Telemetry", "UseManagedIdentity", "yes");

        Assert.Equal(["configuration error: 'Frugal:Telemetry:UseManagedIdentity' cannot be 'yes'; expected true or false"], ConfigurationErrors.Describe(ex));
    }

    [Fact]
    public void Describe_TypeItDoesNotKnow_KeepsTheBindersMessage()
    {
        var ex = Bind<GuidHolder>("S", "Id", "nope");

        Assert.Equal(["configuration error: Failed to convert configuration value 'nope' at 'S:Id' to type 'System.Guid'."], ConfigurationErrors.Describe(ex));
    }

    [Fact]
    public void Describe_SettingsFileNotJsonAfterAnEmoji_CountsTheColumnInUtf16Units()
    {
        // The position was in bytes of UTF-8 (line 2, position 27 here), where workflow and input files count UTF-16 units.
        var path = Path.Combine(Path.GetTempPath(), $"frugal-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, "{\n  \"Frugal\": { \"a\": \"\U0001F600\" bad }\n}\n");
        try
        {
            var ex = Assert.ThrowsAny<Exception>(() => new ConfigurationBuilder().AddJsonFile(path).Build());

            Assert.Equal(
                [$"configuration error: Failed to load configuration from file '{path}': it is not valid JSON: 'b' is invalid after a value. Expected either ',', '}}', or ']' (line 2, position 25)"],
                ConfigurationErrors.Describe(ex));
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static InvalidOperationException Bind<T>(string section, string key, string value) => Assert.Throws<InvalidOperationException>(() =>
        new ConfigurationBuilder().AddInMemoryCollection([new($"{section}:{key}", value)]).Build().GetSection(section).Get<T>());

    private sealed class GuidHolder
    {
        public Guid Id { get; set; }
    }
}
