// soma report: (re)write a sweep's summary and report, print the ranking.
#include <iostream>
#include <memory>

#include "commands.h"
#include "report/report.h"
#include "util/sanitize.h"

namespace soma::cli {

namespace {

struct ReportArgs {
    std::string folder;
    bool json = false;
};

int report(const ReportArgs& a) {
    const ReportPaths paths = write_report(a.folder);
    // Shards or ranks still running (or stopped): the report covers what has ended.
    const std::string missing = missing_runs_text(a.folder);
    const int status = missing.empty() ? kOk : kIncomplete;
    if (a.json) {
        std::cout << ranked_table_json(a.folder);
        std::cerr << "report: " << terminal_safe(paths.html.string()) << "\n";
        if (!missing.empty()) std::cerr << "incomplete: " << terminal_safe(missing) << "\n";
        return status;
    }
    // Names in a sweep folder are text from files: nothing of it may drive the terminal.
    std::cout << terminal_safe(ranked_table_text(a.folder, output_width()), true)
              << "\nreport: " << terminal_safe(paths.html.string()) << "\n";
    if (!missing.empty()) std::cout << "incomplete: " << terminal_safe(missing) << "\n";
    return status;
}

}  // namespace

void add_report(Cli& cli) {
    CLI::App* cmd = cli.add_command(cli.app(), "report",
                                    "(re)write a sweep's summary.csv, summary.json, report.md and report.html; "
                                    "print the configurations ranked; exit status 4 while runs have no results yet (naming them), e.g. "
                                    "shards of a Slurm array still running",
                                    {"soma report runs/hidden_sizes", "soma report runs/hidden_sizes --json"});
    auto a = std::make_shared<ReportArgs>();
    cli.complete(cmd->add_option("FOLDER", a->folder, "a sweep folder (or a run folder)")->required(),
                 {Completion::Kind::folders});
    cmd->add_flag("--json", a->json, "print the ranking as JSON (summary.json) instead of the table");
    cli.on_run(cmd, [a] { return report(*a); });
}

}  // namespace soma::cli
