// soma predict: what a run's trained model says each image shows.
#include <iostream>
#include <memory>
#include <sstream>

#include "commands.h"
#include "model_options.h"
#include "experiment/runner.h"  // load_default_plugins
#include "plugin/registry.h"
#include "train/predict.h"
#include "util/sanitize.h"

namespace soma::cli {

namespace {

struct PredictArgs {
    PredictOptions predict;
    std::vector<std::string> images;
    std::string model = "best";
    std::vector<std::string> allow_plugins;
    bool json = false;
};

int predict(PredictArgs& a) {
    PredictOptions& o = a.predict;
    o.model = *model_selection_names.find(a.model);
    o.images.assign(a.images.begin(), a.images.end());
    for (const std::string& folder : a.allow_plugins) o.permission.allow(folder);
    o.permission.announce_to = &std::cerr;
    Registry registry;
    load_default_plugins(registry, o.permission, std::cerr);
    const PredictResult r = predict_run(o, registry);
    // Paths and notes come from files: nothing of them may drive the terminal.
    if (a.json) std::cout << predictions_json(r);
    else {
        std::ostringstream text;
        print_predictions(text, r);
        std::cout << terminal_safe(text.str(), true);
    }
    return kOk;
}

}  // namespace

void add_predict(Cli& cli) {
    CLI::App* cmd = cli.add_command(
        cli.app(), "predict",
        "classify images with a run's trained model: PNG, binary PGM or IDX files of the model's size (28x28 "
        "grayscale for MNIST; not resized), the class and the top-k scores of each",
        {"soma predict runs/mnist_3b1b seven.png two.pgm", "soma predict runs/mnist_3b1b t10k-images.idx3 --top 1 --json"});
    auto a = std::make_shared<PredictArgs>();
    add_run_model_options(cli, cmd, a->predict.run_dir, a->model);
    cmd->add_option("IMAGE", a->images, "PNG, PGM (P5) or IDX images files")->required();
    cmd->add_option("--top", a->predict.top_k, "how many classes to list per image, highest score first")
        ->type_name("K")
        ->check(whole_number(1, 1 << 16))
        ->capture_default_str();
    add_run_plugin_option(cli, cmd, a->allow_plugins);
    cmd->add_flag("--json", a->json, "print the predictions as JSON for scripts");
    cli.on_run(cmd, [a] { return predict(*a); });
}

}  // namespace soma::cli
