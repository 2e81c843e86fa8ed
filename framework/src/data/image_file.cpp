// Image decoding through packaged libraries: libpng's simplified API for PNG,
// stb_image for PGM, data/idx for IDX.
#include "data/image_file.h"

#include <png.h>
#include <stb/stb_image.h>

#include <cstring>
#include <fstream>
#include <memory>

#include "data/idx.h"
#include "util/error.h"

namespace soma {

namespace {

constexpr std::uintmax_t max_image_file_bytes = std::uintmax_t{256} << 20;

std::string read_bytes(const std::filesystem::path& file) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(file, ec)) throw Error(file.string() + ": no such file (or not a regular file)");
    const std::uintmax_t size = std::filesystem::file_size(file, ec);
    if (ec) throw Error(file.string() + ": cannot read its size: " + ec.message());
    if (size > max_image_file_bytes) throw Error(file.string() + ": " + std::to_string(size) + " bytes, too large for an image");
    std::ifstream in(file, std::ios::binary);
    if (!in) throw Error(file.string() + ": cannot open");
    std::string bytes(static_cast<std::size_t>(size), '\0');
    in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    bytes.resize(static_cast<std::size_t>(in.gcount()));
    return bytes;
}

void check_side(const std::string& source, long width, long height) {
    if (width < 1 || height < 1 || width > max_image_side || height > max_image_side)
        throw Error(source + ": " + std::to_string(width) + "x" + std::to_string(height) + " pixels; soma reads images of 1 to " +
                    std::to_string(max_image_side) + " pixels a side");
}

GrayImage read_png(const std::string& bytes, const std::string& source) {
    png_image image{};
    image.version = PNG_IMAGE_VERSION;
    // png_image_free releases what begin_read allocated, on every path.
    std::unique_ptr<png_image, void (*)(png_imagep)> guard(&image, png_image_free);
    if (!png_image_begin_read_from_memory(&image, bytes.data(), bytes.size()))
        throw Error(source + ": not a readable PNG: " + image.message);
    check_side(source, static_cast<long>(image.width), static_cast<long>(image.height));
    image.format = PNG_FORMAT_GRAY;
    GrayImage out;
    out.source = source;
    out.rows = static_cast<int>(image.height);
    out.cols = static_cast<int>(image.width);
    out.pixels.resize(PNG_IMAGE_SIZE(image));
    png_color black{0, 0, 0};
    if (!png_image_finish_read(&image, &black, out.pixels.data(), 0, nullptr))
        throw Error(source + ": damaged PNG: " + image.message);
    return out;
}

GrayImage read_pgm(const std::string& bytes, const std::string& source) {
    const auto* data = reinterpret_cast<const stbi_uc*>(bytes.data());
    const int len = static_cast<int>(bytes.size());
    int width = 0, height = 0, channels = 0;
    if (!stbi_info_from_memory(data, len, &width, &height, &channels))
        throw Error(source + ": not a readable PGM: " + stbi_failure_reason());
    check_side(source, width, height);
    std::unique_ptr<stbi_uc, void (*)(void*)> pixels(stbi_load_from_memory(data, len, &width, &height, &channels, 1),
                                                     stbi_image_free);
    if (!pixels) throw Error(source + ": damaged PGM: " + stbi_failure_reason());
    GrayImage out;
    out.source = source;
    out.rows = height;
    out.cols = width;
    out.pixels.assign(pixels.get(), pixels.get() + static_cast<std::size_t>(width) * height);
    return out;
}

std::vector<GrayImage> read_idx_images(const std::filesystem::path& file) {
    const IdxArray idx = read_idx(file);
    if (idx.dims.size() != 3)
        throw Error(file.string() + ": an IDX file of " + dims_string(idx.dims) +
                    "; images are count x rows x cols (a labels file has one dimension)");
    check_side(file.string(), idx.dims[2], idx.dims[1]);
    std::vector<GrayImage> out(idx.dims[0]);
    const std::size_t size = static_cast<std::size_t>(idx.dims[1]) * idx.dims[2];
    for (std::size_t i = 0; i < out.size(); ++i) {
        out[i].source = file.string() + "[" + std::to_string(i) + "]";
        out[i].rows = static_cast<int>(idx.dims[1]);
        out[i].cols = static_cast<int>(idx.dims[2]);
        out[i].pixels.assign(idx.data.begin() + static_cast<std::ptrdiff_t>(i * size),
                             idx.data.begin() + static_cast<std::ptrdiff_t>((i + 1) * size));
    }
    return out;
}

}  // namespace

std::vector<GrayImage> read_images(const std::filesystem::path& file) {
    const std::string bytes = read_bytes(file);
    const std::string source = file.string();
    if (bytes.size() >= 8 && std::memcmp(bytes.data(), "\x89PNG\r\n\x1a\n", 8) == 0) return {read_png(bytes, source)};
    if (bytes.size() >= 2 && bytes[0] == 'P' && bytes[1] == '5') return {read_pgm(bytes, source)};
    if (bytes.size() >= 2 && bytes[0] == 'P' && bytes[1] == '2')
        throw Error(source + ": an ASCII PGM (P2); soma reads binary PGM (P5): convert it, e.g. with "
                             "`pnmtopnm` or `convert in.pgm out.png`");
    // IDX: 00 00 08 (unsigned byte) 03 (three dimensions); gzip-compressed too (1f 8b).
    if ((bytes.size() >= 4 && bytes.compare(0, 4, std::string("\0\0\x08\x03", 4)) == 0) ||
        (bytes.size() >= 2 && bytes.compare(0, 2, "\x1f\x8b") == 0))
        return read_idx_images(file);
    throw Error(source + ": not an image soma reads (PNG, binary PGM \"P5\", or an IDX images file)");
}

std::string encode_gray_png(const GrayImage& g) {
    png_image image{};
    image.version = PNG_IMAGE_VERSION;
    image.width = static_cast<png_uint_32>(g.cols);
    image.height = static_cast<png_uint_32>(g.rows);
    image.format = PNG_FORMAT_GRAY;
    png_alloc_size_t size = 0;
    if (!png_image_write_get_memory_size(image, size, 0, g.pixels.data(), 0, nullptr))
        throw Error("encoding a PNG: " + std::string(image.message));
    std::string out(size, '\0');
    if (!png_image_write_to_memory(&image, out.data(), &size, 0, g.pixels.data(), 0, nullptr))
        throw Error("encoding a PNG: " + std::string(image.message));
    out.resize(size);
    return out;
}

}  // namespace soma
