// Fuzz target: the files a run or sweep folder is read back from (what
// `soma report` and `soma compare` trust). The first input byte picks the
// file, the rest is its content:
//   0  run/summary.json    1  run/metrics.csv    2  run/config.toml    3  sweep/sweep.json
// It goes through load_results, the entry point that reads a folder whatever
// parses its files.
#include <cstddef>
#include <cstdint>

#include "fuzz_util.h"
#include "report/results.h"
#include "util/error.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const auto root = soma::fuzz::scratch() / "records";
    soma::fuzz::clear(root);
    const auto content = soma::fuzz::as_text(data + 1, size - 1);
    std::filesystem::path folder = root / "run";
    std::filesystem::create_directories(folder);
    switch (data[0] % 4) {
        case 0: soma::fuzz::write(folder / "summary.json", content); break;
        case 1: soma::fuzz::write(folder / "metrics.csv", content); break;
        case 2:
            soma::fuzz::write(folder / "config.toml", content);
            soma::fuzz::write(folder / "summary.json", R"({"experiment": "x", "status": "ok"})");
            break;
        default:
            folder = root / "sweep";
            std::filesystem::create_directories(folder / "runs" / "a");
            soma::fuzz::write(folder / "sweep.json", content);
            break;
    }
    try {
        soma::load_results(folder);
    } catch (const soma::Error&) {
    }
    return 0;
}
