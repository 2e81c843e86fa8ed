// soma inspect: what a model file (or a run folder's model) holds.
#include <filesystem>
#include <iostream>
#include <memory>
#include <sstream>

#include "commands.h"
#include "model_options.h"
#include "experiment/runner.h"  // load_default_plugins
#include "plugin/registry.h"
#include "toolkit/text_table.h"
#include "train/model_inspect.h"
#include "util/sanitize.h"

namespace soma::cli {

namespace {

struct InspectArgs {
    InspectOptions inspect;
    std::string target, model = "best", data;
    bool model_given = false;
    std::vector<std::string> allow_plugins;
    bool json = false, config = false;
};

int inspect(InspectArgs& a) {
    InspectOptions& o = a.inspect;
    o.target = a.target;
    o.model = *model_selection_names.find(a.model);
    if (a.model_given && !std::filesystem::is_directory(o.target))
        throw UsageError("--model chooses a run folder's model; " + terminal_safe(a.target) + " is not a folder");
    if (a.json && a.config) throw UsageError("--json and --config: choose one");
    if (a.config) o.samples = 0;  // the config alone needs no data
    if (!a.data.empty()) o.overrides.insert(o.overrides.begin(), "data.dataset=" + a.data);
    for (const std::string& folder : a.allow_plugins) o.permission.allow(folder);
    o.permission.announce_to = &std::cerr;
    Registry registry;
    if (o.samples > 0) load_default_plugins(registry, o.permission, std::cerr);
    const ModelInspection m = inspect_model(o, registry);
    if (a.config) {
        if (m.model.config.empty()) throw Error(m.file.string() + ": the file has no config section");
        // TOML text to save and run again: printed as the file holds it, but
        // nothing of it may drive the terminal.
        std::cout << terminal_safe(m.model.config, true);
        return kOk;
    }
    if (a.json) {
        std::cout << inspection_json(m);
        return kOk;
    }
    // Names, paths and the config come from the file: nothing of them may drive the terminal.
    std::ostringstream text;
    print_inspection(text, m, kDefaultTableWidth);
    std::cout << terminal_safe(text.str(), true);
    return kOk;
}

}  // namespace

void add_inspect(Cli& cli) {
    CLI::App* cmd = cli.add_command(
        cli.app(), "inspect",
        "show what a model file holds: its network, parameter count, per-tensor statistics, dead units on a sample "
        "of the test data, provenance and the config it was trained from",
        {"soma inspect runs/mnist_3b1b", "soma inspect runs/mnist_3b1b/model-last.soma --samples 0",
         "soma inspect runs/mnist_3b1b --config > again.toml", "soma inspect runs/mnist_3b1b --json"});
    auto a = std::make_shared<InspectArgs>();
    cli.complete(cmd->add_option("FILE|RUN_DIR", a->target,
                                 "a model file (model-best.soma, model-last.soma, checkpoint.soma) or a run folder")
                     ->required(),
                 {Completion::Kind::model_files});
    cli.complete(cmd->add_option("--model", a->model,
                                 "for a run folder, which model: best, the epoch validation chose (the last without a "
                                 "validation split); last, the last epoch")
                     ->check(one_of(model_selection_names.names()))
                     ->capture_default_str()
                     ->each([a](const std::string&) { a->model_given = true; }),
                 choices(model_selection_names.names()));
    cmd->add_option("--samples", a->inspect.samples,
                    "count dead units on the first N test samples; 0 reads the file alone (no data, no plugins)")
        ->type_name("N")
        ->check(whole_number(0, 1 << 30))
        ->capture_default_str();
    cli.complete(cmd->add_option("--data", a->data, "count dead units on a dataset by name instead of the model's")
                     ->check(one_of(dataset_names())),
                 choices(dataset_names()));
    cli.complete(cmd->add_option("--set", a->inspect.overrides,
                                 "set a value of the config the data comes from, as TOML; repeatable (--set "
                                 "data.dataset=\"idx\" --set data.test_images=\"t.idx3\" ...)")
                     ->type_name("PATH=VALUE")
                     ->allow_extra_args(false),
                 {Completion::Kind::settings});
    add_run_plugin_option(cli, cmd, a->allow_plugins);
    cmd->add_flag("--config", a->config, "print only the config the model was trained from (TOML, to save and run)");
    cmd->add_flag("--json", a->json, "print everything as JSON for scripts");
    cli.on_run(cmd, [a] { return inspect(*a); });
}

}  // namespace soma::cli
