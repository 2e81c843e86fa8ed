// `soma eval`: the run's model on the data its config (with overrides) names.
#include "train/model_eval.h"

#include <cmath>
#include <iomanip>
#include <limits>

#include "config/experiment.h"
#include "data/dataset.h"
#include "model/trained_model.h"
#include "toolkit/json.h"
#include "train/run_folder.h"
#include "train/session.h"
#include "util/error.h"

namespace soma {

namespace {

const Split& chosen_split(const Dataset& data, EvalSplit which) {
    switch (which) {
        case EvalSplit::validation: return data.validation;
        case EvalSplit::train: return data.train;
        case EvalSplit::test: break;
    }
    return data.test;
}

}  // namespace

ModelEvaluation evaluate_model(TrainedModel& model, const Split& split) {
    ModelEvaluation e;
    const int classes = model.classes();
    e.classes = classes;
    e.samples = split.size();
    e.epoch = model.description().epoch;
    std::vector<float> x(static_cast<std::size_t>(model.max_batch()) * model.inputs());
    std::vector<std::int32_t> labels(static_cast<std::size_t>(model.max_batch()));
    const Evaluation v =
        evaluate_split(model.network(), model.loss(), split, x.data(), labels.data(), model.max_batch(), &e.confusion);
    e.loss = v.loss;
    e.accuracy = v.accuracy;
    e.recall.assign(static_cast<std::size_t>(classes), std::numeric_limits<double>::quiet_NaN());
    for (int t = 0; t < classes && !e.confusion.empty(); ++t) {
        long row = 0;
        for (int p = 0; p < classes; ++p) row += e.confusion[static_cast<std::size_t>(t) * classes + p];
        if (row > 0)
            e.recall[static_cast<std::size_t>(t)] =
                static_cast<double>(e.confusion[static_cast<std::size_t>(t) * classes + t]) / static_cast<double>(row);
    }
    return e;
}

void check_data_fits(const ModelDescription& d, const Dataset& data, const std::string& dataset,
                     const std::filesystem::path& file) {
    if (data.rows != d.input_rows || data.cols != d.input_cols)
        throw Error(file.string() + ": the model takes " + std::to_string(d.input_rows) + "x" +
                    std::to_string(d.input_cols) + " images, dataset " + dataset + " has " +
                    std::to_string(data.rows) + "x" + std::to_string(data.cols));
    if (data.classes > d.classes)
        throw Error(file.string() + ": the model has " + std::to_string(d.classes) + " classes, dataset " + dataset +
                    " has " + std::to_string(data.classes));
}

RunModel::RunModel() = default;
RunModel::RunModel(RunModel&&) noexcept = default;
RunModel::~RunModel() = default;

RunModel open_run_model(const std::filesystem::path& run_dir, ModelSelection selection,
                        const std::vector<std::string>& overrides, const PluginPermission& permission,
                        Registry& registry) {
    RunModel r;
    r.file = run_model_file(run_dir, selection, &r.note);
    r.experiment = load_experiment(run_dir / "config.toml", registry, overrides, permission);
    r.model = TrainedModel::load(r.file, registry);
    return r;
}

ModelEvaluation evaluate_run(const EvalOptions& o, Registry& registry) {
    // The run's config says which data it trained on; the overrides choose other data.
    RunModel run = open_run_model(o.run_dir, o.model, o.overrides, o.permission, registry);
    const Experiment& exp = run.experiment;
    const std::filesystem::path& file = run.file;
    TrainedModel* model = run.model.get();
    const Dataset data = load_dataset(exp.data, o.run_dir, exp.training.seed);
    check_data_fits(model->description(), data, exp.data.dataset, file);
    const Split& split = chosen_split(data, o.split);
    if (split.size() == 0)
        throw Error("dataset " + exp.data.dataset + " has no " + std::string(eval_split_names.name(o.split)) +
                    " samples" + (o.split == EvalSplit::validation ? " (set data.validation above 0)" : ""));
    ModelEvaluation e = evaluate_model(*model, split);
    e.model_file = file;
    e.note = run.note;
    e.dataset = exp.data.dataset;
    e.split = o.split;
    return e;
}

void print_evaluation(std::ostream& out, const ModelEvaluation& e) {
    if (!e.note.empty()) out << "note: " << e.note << "\n";
    out << "model:    " << e.model_file.string() << " (epoch " << e.epoch << ")\n"
        << "data:     " << e.dataset << ", " << eval_split_names.name(e.split) << " split, " << e.samples
        << " samples\n"
        << std::fixed << std::setprecision(4) << "loss:     " << e.loss << "\n"
        << std::setprecision(2) << "accuracy: " << 100 * e.accuracy << "%\n\n";
    // The confusion matrix, one row per true class, then its recall.
    int width = 4;
    for (int c : e.confusion) width = std::max(width, static_cast<int>(std::to_string(c).size()) + 1);
    out << "confusion (rows: true class, columns: predicted)\n" << std::setw(6) << "";
    for (int p = 0; p < e.classes; ++p) out << std::setw(width) << p;
    out << "   recall\n";
    for (int t = 0; t < e.classes; ++t) {
        out << std::setw(6) << t;
        for (int p = 0; p < e.classes; ++p)
            out << std::setw(width) << e.confusion[static_cast<std::size_t>(t) * e.classes + p];
        const double r = e.recall[static_cast<std::size_t>(t)];
        if (std::isnan(r)) out << "        -\n";
        else out << std::setw(8) << std::setprecision(2) << 100 * r << "%\n";
    }
    out << std::defaultfloat;
}

std::string evaluation_json(const ModelEvaluation& e) {
    Json j = Json::object();
    j["model"] = e.model_file.string();
    if (!e.note.empty()) j["note"] = e.note;
    j["epoch"] = e.epoch;
    j["dataset"] = e.dataset;
    j["split"] = std::string(eval_split_names.name(e.split));
    j["samples"] = e.samples;
    j["loss"] = e.loss;
    j["accuracy"] = e.accuracy;
    Json rows = Json::array();
    for (int t = 0; t < e.classes; ++t)
        rows.push_back(std::vector<int>(e.confusion.begin() + static_cast<std::ptrdiff_t>(t) * e.classes,
                                        e.confusion.begin() + static_cast<std::ptrdiff_t>(t + 1) * e.classes));
    j["confusion"] = std::move(rows);
    Json recall = Json::array();
    for (double r : e.recall) recall.push_back(std::isnan(r) ? Json() : Json(r));
    j["recall"] = std::move(recall);
    return json_text(j);
}

}  // namespace soma
