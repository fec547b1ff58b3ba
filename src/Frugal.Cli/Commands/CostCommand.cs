using System.CommandLine;
using System.CommandLine.Parsing;
using Frugal.Cli.Costs;
using Frugal.Costs;
using Frugal.Costs.Reports;
using Spectre.Console;

namespace Frugal.Cli.Commands;

/// <summary><c>frugal cost report</c>: cost per workflow, tenant, model, tier or step from the cost ledger.</summary>
internal static class CostCommand
{
    public static Command Create()
    {
        var by = NameOption("--by", "Group rows by", CostReportArguments.GroupNames, "workflow");
        var format = NameOption("--format", "Output format", CostReportArguments.FormatNames, "table");
        var since = TimeOption("--since", "Start of the period (yyyy-MM-dd or ISO 8601 time, UTC)", isEnd: false);
        var until = TimeOption("--until", "End of the period; a date includes that whole day", isEnd: true);
        var output = new Option<FileInfo?>("--out") { Description = "Write the report to this file instead of standard output" };
        output.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<FileInfo?>() is { } file && OutProblem(file) is { } problem)
            {
                result.AddError($"--out: {problem}");
            }
        });
        var tenant = new Option<string?>("--tenant") { Description = "Only this tenant" };
        tenant.Validators.Add(result =>
        {
            // No run can have such a tenant (GET /api/costs/report refuses it too): an empty report read as nothing spent.
            if (Engine.WorkflowRunRequest.TenantProblem(result.GetValueOrDefault<string?>()) is { } problem)
            {
                result.AddError($"--tenant: {problem}");
            }
        });
        var workflow = new Option<string?>("--workflow") { Description = "Only this workflow" };
        var table = LedgerStore.CreateTableOption();
        var store = LedgerStore.CreateOption("The ledger");

        var report = new Command("report", "Report what runs cost, grouped by workflow, tenant, model, tier or step")
        {
            by, since, until, format, output, store, table, tenant, workflow,
        };
        report.Validators.Add(result => CostCommand.CheckPeriod(result, since, until));
        LedgerStore.RequireAccountForTable(report, store, table);
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
            var error = parse.InvocationConfiguration.Error;
            return await LedgerStore.UseAsync(parse.GetValue(store)!, parse.GetValue(table)!, error, async ledger =>
            {
                var result = await CostReportProgress.RunAsync(new CostReport(ledger, TimeProvider.System), request, error, cancellationToken);
                var file = parse.GetValue(output);
                StreamWriter? writer;
                try
                {
                    writer = file is null ? null : new StreamWriter(file.FullName);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    // The file the user named: bad input, naming it (it was exit 1, or 2 as "error: Access to the path
                    // '...' is denied" with no word of --out).
                    await error.WriteLineAsync($"--out: cannot write the report to '{file!.FullName}': {ex.Message}");
                    return ExitCodes.BadInput;
                }

                await using var writerScope = writer;
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

                return ExitCodes.Ok;
            });
        });

        return new Command("cost", "Cost records: reports of what runs cost") { report };
    }

    /// <summary>
    /// Why the report cannot be written to <paramref name="file"/>: its folder is missing, it is a folder, or it is a
    /// SQLite database (the ledger itself, most likely: writing the report over it would lose every record).
    /// </summary>
    private static string? OutProblem(FileInfo file) =>
        Directory.Exists(file.FullName) ? $"'{file.FullName}' is a folder; name a file"
        : file.Directory is { Exists: false } folder ? $"the folder '{folder.FullName}' does not exist"
        : file.Exists && LedgerStore.IsSqliteFile(file.FullName) ? $"'{file.FullName}' is a SQLite database (a cost ledger?); a report is not written over it"
        : null;

    internal static Option<string> NameOption(string name, string description, IReadOnlyList<string> names, string defaultValue)
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

    /// <summary>A period that ends before it starts selects nothing, silently; it is a usage error instead.</summary>
    internal static void CheckPeriod(CommandResult result, Option<DateTimeOffset?> since, Option<DateTimeOffset?> until)
    {
        DateTimeOffset? from, to;
        try
        {
            (from, to) = (result.GetValue(since), result.GetValue(until));
        }
        catch (InvalidOperationException)
        {
            // A value that did not parse has its own error already (reading it throws that error).
            return;
        }

        if (from is { } start && to is { } end && start >= end)
        {
            result.AddError(CostReportArguments.EmptyPeriod("--since", Given(result, since), "--until", Given(result, until), start, end));
        }
    }

    private static string? Given(CommandResult result, Option<DateTimeOffset?> option) =>
        result.GetResult(option)?.Tokens is [var token, ..] ? token.Value : null;

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
