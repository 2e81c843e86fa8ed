#include "toolkit/png.h"

#include <zlib.h>

#include "util/error.h"

namespace soma {

namespace {

void put_u32be(std::string& out, std::uint32_t v) {
    for (int i = 3; i >= 0; --i) out += static_cast<char>((v >> (8 * i)) & 0xff);
}

void chunk(std::string& out, const char* type, const std::string& data) {
    put_u32be(out, static_cast<std::uint32_t>(data.size()));
    std::string body = std::string(type, 4) + data;
    out += body;
    uLong crc = crc32(0L, Z_NULL, 0);
    crc = crc32(crc, reinterpret_cast<const Bytef*>(body.data()), static_cast<uInt>(body.size()));
    put_u32be(out, static_cast<std::uint32_t>(crc));
}

}  // namespace

std::string encode_png(int width, int height, const std::vector<std::uint8_t>& rgb) {
    if (width <= 0 || height <= 0) throw Error("png: empty image");
    const std::size_t row = static_cast<std::size_t>(width) * 3;
    if (rgb.size() != row * static_cast<std::size_t>(height)) throw Error("png: pixel buffer does not match the size");

    std::string raw;  // each row: filter type 0 (none), then the pixels
    raw.reserve((row + 1) * static_cast<std::size_t>(height));
    for (int y = 0; y < height; ++y) {
        raw += '\0';
        raw.append(reinterpret_cast<const char*>(rgb.data()) + row * static_cast<std::size_t>(y), row);
    }
    uLongf size = compressBound(static_cast<uLong>(raw.size()));
    std::string packed(size, '\0');
    if (compress2(reinterpret_cast<Bytef*>(packed.data()), &size, reinterpret_cast<const Bytef*>(raw.data()),
                  static_cast<uLong>(raw.size()), Z_BEST_COMPRESSION) != Z_OK)
        throw Error("png: zlib compression failed");
    packed.resize(size);

    std::string out = "\x89PNG\r\n\x1a\n";
    std::string ihdr;
    put_u32be(ihdr, static_cast<std::uint32_t>(width));
    put_u32be(ihdr, static_cast<std::uint32_t>(height));
    ihdr += '\x08';  // bit depth
    ihdr += '\x02';  // colour type: RGB
    ihdr += '\0';    // compression
    ihdr += '\0';    // filter
    ihdr += '\0';    // interlace
    chunk(out, "IHDR", ihdr);
    chunk(out, "IDAT", packed);
    chunk(out, "IEND", "");
    return out;
}

std::string base64(std::string_view bytes) {
    static const char table[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 2 < bytes.size(); i += 3) {
        std::uint32_t v = (static_cast<std::uint8_t>(bytes[i]) << 16) | (static_cast<std::uint8_t>(bytes[i + 1]) << 8) |
                          static_cast<std::uint8_t>(bytes[i + 2]);
        out += table[(v >> 18) & 63];
        out += table[(v >> 12) & 63];
        out += table[(v >> 6) & 63];
        out += table[v & 63];
    }
    if (i < bytes.size()) {
        std::uint32_t v = static_cast<std::uint8_t>(bytes[i]) << 16;
        if (i + 1 < bytes.size()) v |= static_cast<std::uint8_t>(bytes[i + 1]) << 8;
        out += table[(v >> 18) & 63];
        out += table[(v >> 12) & 63];
        out += i + 1 < bytes.size() ? table[(v >> 6) & 63] : '=';
        out += '=';
    }
    return out;
}

std::string png_data_uri(const std::string& png) { return "data:image/png;base64," + base64(png); }

}  // namespace soma
