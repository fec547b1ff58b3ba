using Frugal.Cli.Costs;

namespace Frugal.Hosting.Tests.Costs;

public sealed class CostReportTableTests
{
    [Theory]
    [InlineData("0.0000219279022222222222222222", "$0.000022")]
    [InlineData("0.004987", "$0.005")]
    [InlineData("0", "$0.0000")]
    [InlineData("0.0123456", "$0.0123")]
    [InlineData("1234.5", "$1,234.5000")]
    public void Money_Amount_FourPlacesButNeverZeroForSpend(string amount, string shown)
    {
        // Spend under a cent showed as "$0.0000 spent".
        Assert.Equal(shown, CostReportTable.Money(decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture)));
    }
}
