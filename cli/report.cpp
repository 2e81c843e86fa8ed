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
    if (a.json) {
        std::cout << ranked_table_json(a.folder);
        std::cerr << "report: " << terminal_safe(paths.html.string()) << "\n";
        return kOk;
    }
    // Names in a sweep folder are text from files: nothing of it may drive the terminal.
    std::cout << terminal_safe(ranked_table_text(a.folder, output_width()), true)
              << "\nreport: " << terminal_safe(paths.html.string()) << "\n";
    return kOk;
}

}  // namespace

void add_report(Cli& cli) {
    CLI::App* cmd = cli.add_command(cli.app(), "report",
                                    "(re)write a sweep's summary.csv, summary.json, report.md and report.html; "
                                    "print the configurations ranked",
                                    {"soma report runs/hidden_sizes", "soma report runs/hidden_sizes --json"});
    auto a = std::make_shared<ReportArgs>();
    cli.complete(cmd->add_option("FOLDER", a->folder, "a sweep folder (or a run folder)")->required(),
                 {Completion::Kind::folders});
    cmd->add_flag("--json", a->json, "print the ranking as JSON (summary.json) instead of the table");
    cli.on_run(cmd, [a] { return report(*a); });
}

}  // namespace soma::cli
