// The first hidden layer as pictures, as in 3Blue1Brown's "But what is a
// neural network?": each neuron's incoming weights (the model file's tensor
// "layer0.weights", shape [units, inputs]) laid out like the input image,
// blue for positive, red for negative, brighter for larger magnitude
// (normalised per neuron, black for zero).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "model/model_file.h"

namespace soma {

struct NeuronImage {
    int neuron = 0;
    std::string png;       // the PNG file bytes, side x side pixels
    double max_abs = 0;    // the neuron's largest |weight| (the full-strength colour)
};

struct LayerImages {
    std::vector<NeuronImage> images;  // at most max_neurons, in neuron order
    int units = 0;                    // neurons in the layer
    int side = 0;                     // picture width = height (28 for MNIST)
    std::string note;                 // why there are no pictures, when there are none
};

// From a model file's tensors. Inputs that are not a square number of pixels
// give no pictures (a note says why).
LayerImages first_layer_images(const std::vector<ModelTensor>& tensors, int max_neurons = 64);

// RGB of one weight w at full-strength magnitude max_abs.
void weight_color(double w, double max_abs, unsigned char rgb[3]);

}  // namespace soma
