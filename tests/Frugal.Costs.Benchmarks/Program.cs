// Prints the cost ledger's targets in one run: recording overhead per activity (group-commit recorder over SQLite
// vs no recording) and a report over 1,000,000 records in SQLite (time and peak managed memory).
// Run: dotnet run -c Release --project tests/Frugal.Costs.Benchmarks [-- --records N]
// With --table "<connection string>" it times year-long reports over 200,000 records (or N) in a new table of that
// account instead, deleted afterwards (--keep leaves it, --reuse <table> reads a kept one again without writing):
//   dotnet run -c Release --project tests/Frugal.Costs.Benchmarks -- --table UseDevelopmentStorage=true
using System.Globalization;
using Frugal.Costs.Benchmarks;

string? Option(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();

int? records = Option("--records") is { } n ? int.Parse(n, CultureInfo.InvariantCulture) : null;
if (Option("--table") is { } connection)
{
    await TableReportBenchmark.RunAsync(connection, records ?? 200_000, Option("--reuse"), args.Contains("--keep"));
    return 0;
}

string folder = Path.Combine(Path.GetTempPath(), "frugal-costs-bench");
Directory.CreateDirectory(folder);

Console.WriteLine("Frugal cost ledger benchmark");
Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}");
Console.WriteLine();

bool recordingPass = await RecordingBenchmark.RunAsync(folder);
Console.WriteLine();
bool reportPass = await ReportBenchmark.RunAsync(folder, records ?? 1_000_000);
Console.WriteLine();
Console.WriteLine(recordingPass && reportPass ? "ALL TARGETS PASS" : "SOME TARGETS MISSED");
return 0;
