// Prints the cost ledger's targets in one run: recording overhead per activity (group-commit recorder over SQLite
// vs no recording) and a report over 1,000,000 records in SQLite (time and peak managed memory).
// Run: dotnet run -c Release --project tests/Frugal.Costs.Benchmarks [-- --records N]
using System.Globalization;
using Frugal.Costs.Benchmarks;

int records = args.Length == 2 && args[0] == "--records" ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1_000_000;
string folder = Path.Combine(Path.GetTempPath(), "frugal-costs-bench");
Directory.CreateDirectory(folder);

Console.WriteLine("Frugal cost ledger benchmark");
Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}");
Console.WriteLine();

bool recordingPass = await RecordingBenchmark.RunAsync(folder);
Console.WriteLine();
bool reportPass = await ReportBenchmark.RunAsync(folder, records);
Console.WriteLine();
Console.WriteLine(recordingPass && reportPass ? "ALL TARGETS PASS" : "SOME TARGETS MISSED");
return 0;
