using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Azure.Data.Tables;
using Frugal.Costs.Reports;

namespace Frugal.Costs.Benchmarks;

/// <summary>
/// Writes N cost records over a year and four tenants into a new table of the account in the connection string
/// (<c>UseDevelopmentStorage=true</c> for Azurite), times year-long reports over it, then deletes the table. Each
/// report's line ends with a digest of its JSON (its time stamp left out), so two builds' lines show whether they
/// report the same thing. <c>--keep</c> leaves the table for another build to read with <c>--reuse &lt;table&gt;</c>, which
/// skips the write (about 450 s for 200,000 records on Azurite).
/// </summary>
internal static class TableReportBenchmark
{
    private const int Tenants = 4;
    private static readonly TimeSpan Year = TimeSpan.FromDays(365);

    /// <summary>Writes the records (unless <paramref name="reuse"/> names a table an earlier run kept), times the reports, then deletes the table unless <paramref name="keep"/>.</summary>
    public static async Task RunAsync(string connection, int records, string? reuse, bool keep)
    {
        var table = new TableClient(connection, reuse ?? "costbench" + Guid.NewGuid().ToString("N")[..12]);
        var ledger = new TableCostLedger(table);
        try
        {
            if (reuse is null)
            {
                Console.WriteLine($"writing {records:N0} cost records over 365 days and {Tenants} tenants into table {table.Name}...");
                var write = Stopwatch.StartNew();
                await GenerateAsync(ledger, records);
                Console.WriteLine($"written in {write.Elapsed.TotalSeconds:0.0} s");
            }

            Console.WriteLine("Report over Table storage");
            Console.WriteLine($"{"report",-32} {"records",10} {"seconds",8} {"rec/s",10} {"dollars",14}  digest");
            var start = ReportBenchmark.Start;
            var report = new CostReport(ledger, new FixedTime(start.Add(Year)));
            await MeasureAsync("all tenants, 365 days", report, new CostReportRequest { Since = start, Until = start.Add(Year) });
            await MeasureAsync("one tenant, 365 days", report, new CostReportRequest { Since = start, Until = start.Add(Year), Tenant = "tenant-1" });
            await MeasureAsync("one tenant, 31 days", report, new CostReportRequest { Since = start.AddDays(31), Until = start.AddDays(62), Tenant = "tenant-1" });
            await MeasureAsync("all tenants, mid-day to mid-day", report, new CostReportRequest { Since = start.AddHours(36), Until = start.AddDays(200).AddHours(5), By = CostGroupBy.Step });
        }
        finally
        {
            if (keep)
            {
                Console.WriteLine($"kept table {table.Name} (--reuse {table.Name} reads it again)");
            }
            else
            {
                await table.DeleteAsync();
                Console.WriteLine($"deleted table {table.Name}");
            }
        }
    }

    private static async Task MeasureAsync(string name, CostReport report, CostReportRequest request)
    {
        var watch = Stopwatch.StartNew();
        var result = await report.BuildAsync(request, null, CancellationToken.None);
        watch.Stop();
        string digest = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(CostReportWriter.ToJson(result))))[..16];
        Console.WriteLine($"{name,-32} {result.Records,10:N0} {watch.Elapsed.TotalSeconds,8:0.00} {result.Records / watch.Elapsed.TotalSeconds,10:N0} {result.Dollars,14:0.000000}  {digest}");
    }

    private static async Task GenerateAsync(TableCostLedger ledger, int records)
    {
        var random = new Random(42);
        var prices = PriceTable.LoadDefault();
        var days = Enumerable.Range(0, records)
            .Select(i => ReportBenchmark.Sample(i, records, Year, Tenants, random, prices))
            .GroupBy(r => r.StartedAt.UtcDateTime.Date)
            .ToList();
        await Parallel.ForEachAsync(days, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (day, cancellationToken) =>
            await ledger.AppendAsync([.. day], cancellationToken));
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
