using System.CommandLine;
using System.CommandLine.Parsing;
using Azure.Data.Tables;
using Frugal.Cli.Costs;
using Frugal.Costs;
using Frugal.Costs.Reports;
using Spectre.Console;

namespace Frugal.Cli.Commands;

/// <summary><c>frugal cost report</c>: cost per workflow, tenant, model, tier or step from the cost ledger.</summary>
internal static class CostCommand
{
    private const string DefaultStore = ".frugal/costs.db";

    public static Command Create()
    {
        var by = NameOption("--by", "Group rows by", CostReportArguments.GroupNames, "workflow");
        var format = NameOption("--format", "Output format", CostReportArguments.FormatNames, "table");
        var since = TimeOption("--since", "Start of the period (yyyy-MM-dd or ISO 8601 time, UTC)", isEnd: false);
        var until = TimeOption("--until", "End of the period; a date includes that whole day", isEnd: true);
        var output = new Option<FileInfo?>("--out") { Description = "Write the report to this file instead of standard output" };
        var tenant = new Option<string?>("--tenant") { Description = "Only this tenant" };
        var workflow = new Option<string?>("--workflow") { Description = "Only this workflow" };
        var table = new Option<string>("--table") { Description = "Table name when --store is a connection string", DefaultValueFactory = _ => "FrugalCosts" };
        var store = new Option<string>("--store")
        {
            Description = $"The ledger: a SQLite file (default {DefaultStore}) or an Azure Storage connection string",
            DefaultValueFactory = _ => DefaultStore,
        };
        store.Validators.Add(result =>
        {
            string value = result.GetValueOrDefault<string>();
            if (!IsConnectionString(value) && !File.Exists(value))
            {
                result.AddError($"--store: the cost ledger '{value}' does not exist (record some runs first, or pass a SQLite file or connection string)");
            }
        });

        var report = new Command("report", "Report what runs cost, grouped by workflow, tenant, model, tier or step")
        {
            by, since, until, format, output, store, table, tenant, workflow,
        };
        report.SetAction(async (parse, cancellationToken) =>
        {
            CostReportArguments.TryParseBy("--by", parse.GetValue(by), out var groupBy, out _);
            CostReportArguments.TryParseFormat("--format", parse.GetValue(format), out var reportFormat, out _);
            var request = new CostReportRequest
            {
                By = groupBy,
                Since = parse.GetValue(since),
                Until = parse.GetValue(until),
                Tenant = parse.GetValue(tenant),
                Workflow = parse.GetValue(workflow),
            };
            string storeValue = parse.GetValue(store)!;
            var ledger = IsConnectionString(storeValue)
                ? (ICostLedger)new TableCostLedger(new TableClient(storeValue, parse.GetValue(table)))
                : new SqliteCostLedger(storeValue);
            try
            {
                var error = parse.InvocationConfiguration.Error;
                var result = await CostReportProgress.RunAsync(new CostReport(ledger, TimeProvider.System), request, error, cancellationToken);
                var file = parse.GetValue(output);
                await using var writer = file is null ? null : new StreamWriter(file.FullName);
                var target = writer ?? parse.InvocationConfiguration.Output;
                if (reportFormat == CostReportFormat.Table)
                {
                    CostReportTable.Write(result, target);
                }
                else
                {
                    await CostReportWriter.WriteAsync(result, reportFormat, target, cancellationToken);
                    await target.WriteLineAsync();
                }

                if (file is not null)
                {
                    await error.WriteLineAsync($"Wrote {reportFormat.ToString().ToLowerInvariant()} report to {file.FullName}");
                }

                return 0;
            }
            finally
            {
                (ledger as IDisposable)?.Dispose();
            }
        });

        return new Command("cost", "Cost records: reports of what runs cost") { report };
    }

    internal static bool IsConnectionString(string value) =>
        value.Contains("UseDevelopmentStorage=", StringComparison.OrdinalIgnoreCase)
        || value.Contains("AccountName=", StringComparison.OrdinalIgnoreCase)
        || value.Contains("TableEndpoint=", StringComparison.OrdinalIgnoreCase);

    private static Option<string> NameOption(string name, string description, IReadOnlyList<string> names, string defaultValue)
    {
        var option = new Option<string>(name)
        {
            Description = $"{description}: {string.Join('|', names)}",
            DefaultValueFactory = _ => defaultValue,
        };
        option.Validators.Add(result =>
        {
            if (!names.Contains(result.GetValueOrDefault<string>(), StringComparer.OrdinalIgnoreCase))
            {
                result.AddError($"{name}: '{result.GetValueOrDefault<string>()}' is not one of {string.Join(", ", names)}");
            }
        });
        return option;
    }

    /// <summary>A <c>--since</c>/<c>--until</c> option; a value that is not a date or time is a usage error naming it.</summary>
    internal static Option<DateTimeOffset?> TimeOption(string name, string description, bool isEnd) => new(name)
    {
        Description = description,
        CustomParser = result =>
        {
            string? value = result.Tokens.Count > 0 ? result.Tokens[0].Value : null;
            if (CostReportArguments.TryParseTime(name, value, isEnd, out var time, out string? error))
            {
                return time;
            }

            result.AddError(error!);
            return null;
        },
    };
}
