#include "report/metrics_read.h"

#include <charconv>
#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>

#include "train/run_folder.h"
#include "util/error.h"

namespace soma {

EpochRow::EpochRow()
    : validation_loss(std::numeric_limits<double>::quiet_NaN()),
      validation_accuracy(std::numeric_limits<double>::quiet_NaN()) {}

namespace {

double parse_field(const std::string& field, const std::filesystem::path& file, int line, std::size_t column) {
    if (field.empty() || field == "nan" || field == "-nan") return std::numeric_limits<double>::quiet_NaN();
    if (field == "inf") return std::numeric_limits<double>::infinity();
    if (field == "-inf") return -std::numeric_limits<double>::infinity();
    double v = 0;
    auto [end, ec] = std::from_chars(field.data(), field.data() + field.size(), v);
    if (ec != std::errc() || end != field.data() + field.size())
        throw Error(file.string() + ":" + std::to_string(line) + ":" + std::to_string(column) + ": '" + field +
                    "' is not a number");
    return v;
}

}  // namespace

std::vector<EpochRow> read_metrics_csv(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw Error(file.string() + ": cannot open");
    std::string line;
    if (!std::getline(in, line)) throw Error(file.string() + ":1:1: empty file, expected the header");
    if (!line.empty() && line.back() == '\r') line.pop_back();
    // The header as the run wrote it (train/run_folder.h), without its line end.
    auto header = [](bool with_validation) {
        std::string h = metrics_csv_header(with_validation);
        h.pop_back();
        return h;
    };
    const bool validation = line == header(true);
    if (!validation && line != header(false))
        throw Error(file.string() + ":1:1: unexpected header (expected '" + header(false) +
                    "[,validation_loss,validation_accuracy]')");
    const std::size_t fields = validation ? 9 : 7;
    std::vector<EpochRow> rows;
    int number = 1;
    while (std::getline(in, line)) {
        ++number;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty()) continue;
        std::vector<std::string> parts;
        std::vector<std::size_t> columns;
        std::size_t start = 0;
        for (;;) {
            std::size_t comma = line.find(',', start);
            parts.push_back(line.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
            columns.push_back(start + 1);
            if (comma == std::string::npos) break;
            start = comma + 1;
        }
        if (parts.size() != fields)
            throw Error(file.string() + ":" + std::to_string(number) + ":1: " + std::to_string(parts.size()) +
                        " fields, expected " + std::to_string(fields));
        double v[9];
        for (std::size_t i = 0; i < fields; ++i) v[i] = parse_field(parts[i], file, number, columns[i]);
        EpochRow r;
        if (!std::isfinite(v[0]) || v[0] != std::floor(v[0]))
            throw Error(file.string() + ":" + std::to_string(number) + ":1: epoch '" + parts[0] +
                        "' is not a whole number");
        r.epoch = static_cast<int>(v[0]);
        r.train_loss = v[1], r.train_accuracy = v[2], r.test_loss = v[3], r.test_accuracy = v[4];
        r.seconds = v[5], r.samples_per_second = v[6];
        if (validation) r.validation_loss = v[7], r.validation_accuracy = v[8];
        rows.push_back(r);
    }
    return rows;
}

}  // namespace soma
