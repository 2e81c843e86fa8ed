// soma export: a run's trained model in a format other tools read (ONNX).
#include <iostream>
#include <memory>

#include "commands.h"
#include "model_options.h"
#include "export/onnx_export.h"
#include "train/run_folder.h"
#include "util/sanitize.h"

namespace soma::cli {

namespace {

struct ExportArgs {
    std::string run_dir, onnx, model = "best";
    bool force = false;
};

int export_model(const ExportArgs& a) {
    std::string note;
    const std::filesystem::path file = run_model_file(a.run_dir, *model_selection_names.find(a.model), &note);
    if (!note.empty()) std::cerr << "note: " << terminal_safe(note) << "\n";
    const ModelFile model = read_model_file(file);
    export_onnx(model, file.string(), a.onnx, a.force);
    std::cout << "wrote " << terminal_safe(a.onnx) << " (ONNX opset " << onnx_opset << ", from "
              << terminal_safe(file.string()) << ", epoch " << model.description.epoch << ")\n";
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
    cli.on_run(cmd, [a] { return export_model(*a); });
}

}  // namespace soma::cli
