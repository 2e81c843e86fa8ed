#include "report/neuron_images.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "toolkit/png.h"

namespace soma {

void weight_color(double w, double max_abs, unsigned char rgb[3]) {
    double s = max_abs > 0 && std::isfinite(w) ? std::min(1.0, std::fabs(w) / max_abs) : 0.0;
    // Positive: black to a bright blue; negative: black to a bright red.
    const double blue[3] = {70, 150, 255}, red[3] = {255, 60, 50};
    const double* c = w >= 0 ? blue : red;
    for (int k = 0; k < 3; ++k) rgb[k] = static_cast<unsigned char>(std::lround(c[k] * s));
}

LayerImages first_layer_images(const std::vector<ModelTensor>& tensors, int max_neurons) {
    LayerImages out;
    const ModelTensor* w = nullptr;
    for (const ModelTensor& t : tensors)
        if (t.name == "layer0.weights") w = &t;
    if (!w) {
        out.note = "the model has no tensor \"layer0.weights\" (the network has no hidden layer?)";
        return out;
    }
    if (w->shape.size() != 2) {
        out.note = "\"layer0.weights\" is not a [units, inputs] matrix";
        return out;
    }
    out.units = w->shape[0];
    const int inputs = w->shape[1];
    const int side = static_cast<int>(std::lround(std::sqrt(static_cast<double>(inputs))));
    if (side * side != inputs) {
        out.note = "the input (" + std::to_string(inputs) + " values) is not a square image";
        return out;
    }
    out.side = side;
    const int count = std::min(out.units, max_neurons);
    for (int n = 0; n < count; ++n) {
        const float* row = w->values.data() + static_cast<std::size_t>(n) * inputs;
        double max_abs = 0;
        for (int i = 0; i < inputs; ++i)
            if (std::isfinite(row[i])) max_abs = std::max(max_abs, std::fabs(static_cast<double>(row[i])));
        std::vector<std::uint8_t> rgb(static_cast<std::size_t>(inputs) * 3);
        for (int i = 0; i < inputs; ++i) weight_color(row[i], max_abs, &rgb[static_cast<std::size_t>(i) * 3]);
        out.images.push_back(NeuronImage{n, encode_png(side, side, rgb), max_abs});
    }
    return out;
}

}  // namespace soma
