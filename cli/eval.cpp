// soma eval: a run's trained model scored on its test set or other data.
#include <iostream>
#include <memory>
#include <sstream>

#include "commands.h"
#include "model_options.h"
#include "experiment/runner.h"  // load_default_plugins
#include "plugin/registry.h"
#include "train/model_eval.h"
#include "util/sanitize.h"

namespace soma::cli {

namespace {

struct EvalArgs {
    EvalOptions eval;
    std::string model = "best", split = "test", data;
    std::vector<std::string> allow_plugins;
    bool json = false;
};

int eval(EvalArgs& a) {
    EvalOptions& o = a.eval;
    o.model = *model_selection_names.find(a.model);
    o.split = *eval_split_names.find(a.split);
    if (!a.data.empty()) o.overrides.insert(o.overrides.begin(), "data.dataset=" + a.data);
    for (const std::string& folder : a.allow_plugins) o.permission.allow(folder);
    o.permission.announce_to = &std::cerr;
    Registry registry;
    load_default_plugins(registry, o.permission, std::cerr);
    const ModelEvaluation e = evaluate_run(o, registry);
    if (a.json) {
        std::cout << evaluation_json(e);
        return kOk;
    }
    // The model's path and the dataset's name come from files: nothing of them may drive the terminal.
    std::ostringstream text;
    print_evaluation(text, e);
    std::cout << terminal_safe(text.str(), true);
    return kOk;
}

}  // namespace

void add_eval(Cli& cli) {
    CLI::App* cmd = cli.add_command(
        cli.app(), "eval",
        "score a run's trained model: loss, accuracy, confusion matrix and per-class recall on its test set, or on "
        "other data of the same image shape",
        {"soma eval runs/mnist_3b1b", "soma eval runs/mnist_3b1b --model last --data mnist-10k",
         "soma eval runs/mnist_3b1b --split validation --json"});
    auto a = std::make_shared<EvalArgs>();
    add_run_model_options(cli, cmd, a->eval.run_dir, a->model);
    cli.complete(cmd->add_option("--data", a->data, "a dataset by name instead of the run's (data.dataset)")
                     ->check(one_of(dataset_names())),
                 choices(dataset_names()));
    cli.complete(cmd->add_option("--set", a->eval.overrides,
                                 "set a value of the run's config.toml, as TOML; repeatable (--set data.test_limit=1000 "
                                 "--set data.dataset=\"idx\" --set data.test_images=\"t.idx3\" ...)")
                     ->type_name("PATH=VALUE")
                     ->allow_extra_args(false),
                 {Completion::Kind::settings});
    cli.complete(cmd->add_option("--split", a->split, "which part of the data to score")
                     ->check(one_of(eval_split_names.names()))
                     ->capture_default_str(),
                 choices(eval_split_names.names()));
    add_run_plugin_option(cli, cmd, a->allow_plugins);
    cmd->add_flag("--json", a->json, "print the evaluation as JSON for scripts");
    cli.on_run(cmd, [a] { return eval(*a); });
}

}  // namespace soma::cli
