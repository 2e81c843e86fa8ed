// soma report SWEEP_DIR | soma compare A B
#include <iostream>

#include "commands.h"
#include "report/report.h"
#include "util/sanitize.h"

namespace soma::cli {

int report(const Args& args) {
    if (args.size() != 1) throw UsageError{"report takes one sweep folder"};
    ReportPaths paths = write_report(args[0]);
    // Names in a sweep folder are text from files: nothing of it may drive the terminal.
    std::cout << terminal_safe(ranked_table_text(args[0]), true) << "\nreport: " << terminal_safe(paths.html.string())
              << "\n";
    return 0;
}

int compare(const Args& args) {
    if (args.size() != 2) throw UsageError{"compare takes two run or sweep folders"};
    std::cout << terminal_safe(compare_text(args[0], args[1]), true);
    return 0;
}

}  // namespace soma::cli
