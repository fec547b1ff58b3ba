using System.Globalization;
using Frugal.Costs.Reports;

namespace Frugal.Core.Tests.Costs;

public sealed class MoneyTextTests
{
    [Theory]
    [InlineData("0.0000219279022222222222222222", "$0.000022")]
    [InlineData("0.004987", "$0.005")]
    [InlineData("0.0009243", "$0.00092")]
    [InlineData("0", "$0.0000")]
    [InlineData("0.0123456", "$0.0123")]
    [InlineData("1234.5", "$1,234.5000")]
    public void Format_Amount_FourPlacesButNeverZeroForSpend(string amount, string shown)
    {
        // Spend under a cent showed as "$0.0000 spent" in the console table, and the HTML page still showed it so.
        Assert.Equal(shown, MoneyText.Format(decimal.Parse(amount, CultureInfo.InvariantCulture)));
    }
}
