using Frugal.Costs.Reports;

namespace Frugal.Core.Tests.Costs;

public sealed class MoneyColumnTests
{
    [Fact]
    public void Round_ManyAmountsThatEachRoundUp_AddUpToTheRoundedTotal()
    {
        // 400 runs of $0.0000025 each: rounded one by one to the millionth they showed $0.000003 each, $0.001200 in
        // all, under a total of $0.001000.
        var column = MoneyColumn.Round([.. Enumerable.Repeat(0.0000025m, 400)], 6);

        Assert.Equal(0.001m, column.Total);
        Assert.Equal(column.Total, Enumerable.Range(0, 400).Sum(i => column[i]));
        Assert.All(Enumerable.Range(0, 400), i => Assert.Contains(column[i], new[] { 0.000002m, 0.000003m }));
    }

    [Fact]
    public void Round_AmountsThatRoundApart_GiveTheUnitsToTheLargestRemainders()
    {
        var column = MoneyColumn.Round([0.0000014m, 0.0000016m, 0.0000014m], 6);

        Assert.Equal(0.000004m, column.Total); // 0.0000044
        Assert.Equal([0.000001m, 0.000002m, 0.000001m], [column[0], column[1], column[2]]);
    }

    [Fact]
    public void ForReport_SpendUnderACent_KeepsTwoSignificantDigitsOnEveryRow()
    {
        var column = MoneyColumn.ForReport([1.5m, 0.0000219m]);

        Assert.Equal(6, column.Places);
        Assert.Equal("$1.500000", column.Format(column[0]));
        Assert.Equal("$0.000022", column.Format(column[1]));
        Assert.Equal("$1.500022", column.Format(column.Total));
    }
}
