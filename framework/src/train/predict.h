// `soma predict`: a run's trained model asked what each image shows. Images
// (data/image_file.h) must have the model's size: soma does not resize, since
// a resized photo is not what the network was trained on (MNIST digits are
// centred by mass in a 20x20 box of a 28x28 field) and a silent resize would
// hide that; it refuses the image with both sizes instead. Pixels enter the
// network as training fed them (pixel / 255, the model file's description).
#pragma once

#include <filesystem>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "data/image_file.h"
#include "train/model_eval.h"

namespace soma {

struct PredictOptions {
    std::filesystem::path run_dir;
    ModelSelection model = ModelSelection::best;
    std::vector<std::filesystem::path> images;  // PNG, PGM or IDX files
    int top_k = 3;
    PluginPermission permission;
};

struct Prediction {
    std::string source;                      // the file, or "file[i]" in an IDX file
    int label = 0;                           // the class with the highest score
    std::vector<std::pair<int, float>> top;  // the top_k classes, highest score first
};

struct PredictResult {
    std::filesystem::path model_file;
    std::string note;
    std::string score;  // "probability" or "output" (class_score_name)
    std::vector<Prediction> predictions;
};

// Classifies images with a loaded model, max_batch() at a time.
std::vector<Prediction> predict_images(TrainedModel& model, const std::vector<GrayImage>& images, int top_k);

// The whole command: reads every image first (so a bad one is named before
// any output), refuses images not of the model's size, then classifies.
PredictResult predict_run(const PredictOptions& options, Registry& registry);

void print_predictions(std::ostream& out, const PredictResult& r);
std::string predictions_json(const PredictResult& r);

}  // namespace soma
