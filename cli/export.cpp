// soma export: a run's trained model in a format other tools read (ONNX).
#include <iostream>
#include <memory>

#include "commands.h"
#include "model_options.h"
#include "experiment/runner.h"  // load_default_plugins
#include "export/onnx_export.h"
#include "model/trained_model.h"
#include "plugin/registry.h"
#include "train/model_eval.h"  // open_run_model
#include "util/sanitize.h"

namespace soma::cli {

namespace {

struct ExportArgs {
    std::string run_dir, onnx, model = "best";
    std::vector<std::string> allow_plugins;
    bool force = false;
};

int export_model(const ExportArgs& a) {
    // The run's plugins, as eval loads them: each activation's ONNX form is its plugin's.
    PluginPermission permission;
    for (const std::string& folder : a.allow_plugins) permission.allow(folder);
    permission.announce_to = &std::cerr;
    Registry registry;
    load_default_plugins(registry, permission, std::cerr);
    const RunModel run = open_run_model(a.run_dir, *model_selection_names.find(a.model), {}, permission, registry);
    if (!run.note.empty()) std::cerr << "note: " << terminal_safe(run.note) << "\n";
    const ModelFile& model = run.model->file();
    export_onnx(model, registry, run.file.string(), a.onnx, a.force);
    std::cout << "wrote " << terminal_safe(a.onnx) << " (ONNX opset " << onnx_opset << ", from "
              << terminal_safe(run.file.string()) << ", epoch " << model.description.epoch << ")\n";
    return kOk;
}

}  // namespace

void add_export(Cli& cli) {
    CLI::App* cmd = cli.add_command(
        cli.app(), "export",
        "write a run's trained model as ONNX (opset 13): Gemm and the activations, input pixels 0..255 divided by "
        "255 as soma does, outputs logits and probabilities",
        {"soma export runs/mnist_3b1b --onnx mnist.onnx", "soma export runs/mnist_3b1b --model last --onnx last.onnx"});
    auto a = std::make_shared<ExportArgs>();
    add_run_model_options(cli, cmd, a->run_dir, a->model);
    cmd->add_option("--onnx", a->onnx, "the ONNX file to write")->type_name("FILE")->required();
    cmd->add_flag("--force", a->force, "replace FILE when it exists");
    add_run_plugin_option(cli, cmd, a->allow_plugins);
    cli.on_run(cmd, [a] { return export_model(*a); });
}

}  // namespace soma::cli
