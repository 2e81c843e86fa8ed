// `soma predict`: images in, a class and the top-k scores out.
#include "train/predict.h"

#include <algorithm>
#include <iomanip>
#include <numeric>

#include "data/batcher.h"
#include "model/trained_model.h"
#include "toolkit/json.h"
#include "util/error.h"

namespace soma {

std::vector<Prediction> predict_images(TrainedModel& model, const std::vector<GrayImage>& images, int top_k) {
    const int classes = model.classes(), inputs = model.inputs(), k = std::clamp(top_k, 1, classes);
    std::vector<float> x(static_cast<std::size_t>(model.max_batch()) * inputs);
    std::vector<float> scores(static_cast<std::size_t>(classes));
    std::vector<int> order(static_cast<std::size_t>(classes));
    // Through the batcher, as training and eval feed the network (pixel / 255),
    // so an image gives exactly the outputs it gives inside a dataset.
    Split split;
    for (const GrayImage& g : images) split.images.insert(split.images.end(), g.pixels.begin(), g.pixels.end());
    split.labels.assign(images.size(), 0);
    Batcher batcher(split, inputs, model.max_batch(), 0, /*shuffle=*/false);
    std::vector<std::int32_t> labels(static_cast<std::size_t>(model.max_batch()));
    std::vector<Prediction> out;
    std::size_t first = 0;
    while (const int batch = batcher.next(x.data(), labels.data())) {
        const float* y = model.forward(x.data(), batch);
        for (int n = 0; n < batch; ++n) {
            class_scores(model.loss(), y + static_cast<std::size_t>(n) * classes, classes, scores.data());
            std::iota(order.begin(), order.end(), 0);
            // Ties keep the lower class first, as argmax does.
            std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return scores[a] > scores[b]; });
            Prediction p;
            p.source = images[first + n].source;
            p.label = argmax(y + static_cast<std::size_t>(n) * classes, classes);
            for (int i = 0; i < k; ++i) p.top.emplace_back(order[i], scores[order[i]]);
            out.push_back(std::move(p));
        }
        first += static_cast<std::size_t>(batch);
    }
    return out;
}

PredictResult predict_run(const PredictOptions& o, Registry& registry) {
    std::vector<GrayImage> images;
    for (const auto& file : o.images) {
        std::vector<GrayImage> some = read_images(file);
        images.insert(images.end(), std::make_move_iterator(some.begin()), std::make_move_iterator(some.end()));
    }
    RunModel run = open_run_model(o.run_dir, o.model, {}, o.permission, registry);
    const ModelDescription& d = run.model->description();
    for (const GrayImage& g : images)
        if (g.rows != d.input_rows || g.cols != d.input_cols)
            throw Error(g.source + ": " + std::to_string(g.cols) + "x" + std::to_string(g.rows) + " pixels, the model takes " +
                        std::to_string(d.input_cols) + "x" + std::to_string(d.input_rows) +
                        " (soma does not resize: crop or scale it as its training images were made)");
    PredictResult r;
    r.model_file = run.file;
    r.note = run.note;
    r.score = class_score_name(run.model->loss());
    r.predictions = predict_images(*run.model, images, o.top_k);
    return r;
}

void print_predictions(std::ostream& out, const PredictResult& r) {
    if (!r.note.empty()) out << "note: " << r.note << "\n";
    out << "model: " << r.model_file.string() << " (top classes by " << r.score << ")\n";
    for (const Prediction& p : r.predictions) {
        out << p.source << ": " << p.label << "   ";
        for (const auto& [label, score] : p.top) out << "  " << label << " " << std::fixed << std::setprecision(4) << score;
        out << std::defaultfloat << "\n";
    }
}

std::string predictions_json(const PredictResult& r) {
    Json j = Json::object();
    j["model"] = r.model_file.string();
    if (!r.note.empty()) j["note"] = r.note;
    j["score"] = r.score;
    Json list = Json::array();
    for (const Prediction& p : r.predictions) {
        Json top = Json::array();
        for (const auto& [label, score] : p.top) top.push_back({{"class", label}, {r.score, score}});
        list.push_back({{"image", p.source}, {"class", p.label}, {"top", std::move(top)}});
    }
    j["predictions"] = std::move(list);
    return json_text(j);
}

}  // namespace soma
