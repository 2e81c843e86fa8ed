// `soma eval`: a run's trained model scored on a dataset (the run's own, or
// any other of the same image shape): loss, accuracy, the confusion matrix
// and per-class recall, computed as training computes its test metrics
// (evaluate_split), so the run's own test set gives the numbers of its
// summary.json for that epoch.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "plugin/folders.h"  // PluginPermission
#include "config/experiment.h"
#include "model/model_file.h"

namespace soma {

class Registry;
class TrainedModel;
struct Dataset;
struct Split;

// Which part of the dataset to score.
enum class EvalSplit { test, validation, train };
inline constexpr auto eval_split_names = name_table<EvalSplit>(
    {{EvalSplit::test, "test"}, {EvalSplit::validation, "validation"}, {EvalSplit::train, "train"}});

struct EvalOptions {
    std::filesystem::path run_dir;
    ModelSelection model = ModelSelection::best;
    // --set overrides of the run's config.toml (data.* chooses the data);
    // --data NAME arrives here as "data.dataset=NAME".
    std::vector<std::string> overrides;
    EvalSplit split = EvalSplit::test;
    PluginPermission permission;
};

struct ModelEvaluation {
    std::filesystem::path model_file;
    std::string note;      // e.g. why --model best read model-last.soma
    std::string dataset;   // data.dataset
    EvalSplit split = EvalSplit::test;
    int epoch = 0;         // the model's epoch
    std::size_t samples = 0;
    double loss = 0, accuracy = 0;
    int classes = 0;
    std::vector<int> confusion;  // [classes * classes], row = true label, column = predicted
    std::vector<double> recall;  // per class: correct / samples of that class (NaN for a class with none)
};

// A run's model loaded for inference: the run's config.toml (with
// overrides) first, which loads the plugins it named when `permission`
// allows, then the model file `selection` picks (run_model_file).
struct RunModel {
    Experiment experiment;
    std::filesystem::path file;
    std::string note;
    std::unique_ptr<TrainedModel> model;
    RunModel();
    RunModel(RunModel&&) noexcept;
    ~RunModel();
};
RunModel open_run_model(const std::filesystem::path& run_dir, ModelSelection selection,
                        const std::vector<std::string>& overrides, const PluginPermission& permission,
                        Registry& registry);

// Refuses data of another image shape or with more classes than the model
// (soma::Error naming `file`, the model's and the dataset's numbers).
void check_data_fits(const ModelDescription& model, const Dataset& data, const std::string& dataset,
                     const std::filesystem::path& file);

// Scores `split` with a loaded model (the split's images must have the
// model's number of features, its labels fewer than its classes).
ModelEvaluation evaluate_model(TrainedModel& model, const Split& split);

// The whole command: the run's model and config, the data the config (with
// the overrides) names, the score. Refuses data of another image shape or
// with more classes than the model, naming both.
ModelEvaluation evaluate_run(const EvalOptions& options, Registry& registry);

// As a person reads it, and as JSON for scripts.
void print_evaluation(std::ostream& out, const ModelEvaluation& e);
std::string evaluation_json(const ModelEvaluation& e);

}  // namespace soma
