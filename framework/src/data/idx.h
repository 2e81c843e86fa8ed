// The IDX file format of MNIST and its relatives (unsigned-byte arrays with
// big-endian dimensions), raw or gzip-compressed.
#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

#include "data/dataset.h"

namespace soma {

struct IdxArray {
    std::vector<std::uint32_t> dims;
    std::vector<std::uint8_t> data;  // row-major, product(dims) bytes
};

// Reads an IDX file of type 0x08 (unsigned byte) with 1 to 4 dimensions; gzip
// is detected by its magic bytes. Throws soma::Error naming the path and what
// was expected vs found (wrong magic, truncation, trailing bytes).
IdxArray read_idx(const std::filesystem::path& path);

// Writes an IDX file atomically; gzip-compressed when gzip is true.
void write_idx(const std::filesystem::path& path, const std::vector<std::uint32_t>& dims,
               const std::vector<std::uint8_t>& data, bool gzip = false);

// "60000x28x28"
std::string dims_string(const std::vector<std::uint32_t>& dims);

struct LabeledImages {
    int rows = 0, cols = 0;
    Split split;
};

// An images file (count x rows x cols) with its labels file (count): checks
// the shapes, that the counts agree, and that every label is < classes.
LabeledImages load_image_label_pair(const std::filesystem::path& images_path,
                                    const std::filesystem::path& labels_path, int classes = 10);

// A whole dataset from its four IDX files (train and test images and labels):
// both splits must have the same image shape. classes = 0 infers the class
// count as the largest label + 1, and refuses labels that leave a class below
// it without a sample (a stray label); otherwise every label must be < classes.
Dataset dataset_from_idx_files(const std::string& name, const std::filesystem::path& train_images,
                               const std::filesystem::path& train_labels, const std::filesystem::path& test_images,
                               const std::filesystem::path& test_labels, int classes);

}  // namespace soma
