// A minimal PNG encoder (8-bit RGB, no interlace) on zlib, and data: URIs.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace soma {

// rgb holds width * height * 3 bytes, rows top to bottom. Returns the file bytes.
std::string encode_png(int width, int height, const std::vector<std::uint8_t>& rgb);

std::string base64(std::string_view bytes);

// "data:image/png;base64,..."
std::string png_data_uri(const std::string& png);

}  // namespace soma
