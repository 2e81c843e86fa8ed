// soma compare: two runs or two sweeps side by side.
#include <iostream>
#include <memory>

#include "commands.h"
#include "report/compare.h"
#include "util/sanitize.h"

namespace soma::cli {

void add_compare(Cli& cli) {
    struct CompareArgs {
        std::string a, b;
        bool json = false;
    };
    CLI::App* cmd = cli.add_command(
        cli.app(), "compare",
        "two runs or two sweeps side by side, with the differences B - A (sweeps matched configuration by "
        "configuration)",
        {"soma compare runs/sigmoid_vs_relu runs/hidden_sizes",
         "soma compare runs/a/runs/seed=1 runs/b/runs/seed=1 --json"});
    auto a = std::make_shared<CompareArgs>();
    cli.complete(cmd->add_option("A", a->a, "a run folder or a sweep folder")->required(), {Completion::Kind::folders});
    cli.complete(cmd->add_option("B", a->b, "another, compared with A")->required(), {Completion::Kind::folders});
    cmd->add_flag("--json", a->json, "print the comparison as JSON instead of tables");
    cli.on_run(cmd, [a] {
        std::cout << (a->json ? compare_json(a->a, a->b)
                              : terminal_safe(compare_text(a->a, a->b, output_width()), true));
        return kOk;
    });
}

}  // namespace soma::cli
