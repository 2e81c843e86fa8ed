// Images to classify (`soma predict`): PNG through libpng, binary PGM (P5)
// through stb_image (Debian libstb-dev), and IDX image files (count x rows x
// cols, data/idx.h), each as 8-bit grayscale pixels row by row. Nothing is
// decoded by hand. Colour PNGs become gray by libpng's conversion, and
// transparency is composited on black (MNIST's background). Images are not
// resized: the caller refuses one whose size is not the model's.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace soma {

struct GrayImage {
    std::string source;  // "digit.png", or "t10k.idx3[17]" for an IDX entry
    int rows = 0, cols = 0;
    std::vector<std::uint8_t> pixels;  // rows * cols, row-major, 0 black .. 255 white
};

// The largest image side read (checked from the header, before decoding).
inline constexpr int max_image_side = 4096;

// The images of one file, told apart by content (PNG signature, "P5", IDX
// magic 00 00 08 03), not by name. Throws soma::Error naming the file and
// what is wrong (unknown format, damaged, too large, an ASCII "P2" PGM).
std::vector<GrayImage> read_images(const std::filesystem::path& file);

// A grayscale PNG of the image (for tests and for writing digits out).
std::string encode_gray_png(const GrayImage& image);

}  // namespace soma
