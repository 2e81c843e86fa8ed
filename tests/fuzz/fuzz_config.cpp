// Fuzz target: the experiment loader with includes. The input is a set of
// TOML files separated by lines "%%" (not TOML, so never inside a real one):
// f0.toml %% f1.toml %% ...; f0.toml is loaded as a sweep (includes, sweep
// axes, validation against the built plugins). Every error must be a
// soma::Error; anything else (a crash, a hang, a huge allocation) is a bug.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "config/sweep.h"
#include "fuzz_util.h"
#include "plugin/registry.h"

namespace {

soma::Registry& plugins() {
    static soma::Registry* registry = [] {
        auto* r = new soma::Registry();  // never destroyed: plugin code must outlive everything
        r->load_folders({SOMA_FUZZ_PLUGIN_DIR});
        return r;
    }();
    return *registry;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto dir = soma::fuzz::scratch() / "config";
    soma::fuzz::clear(dir);
    std::string_view text = soma::fuzz::as_text(data, size);
    constexpr std::string_view sep = "\n%%\n";
    for (int i = 0; i < 32; ++i) {
        const auto cut = text.find(sep);
        soma::fuzz::write(dir / ("f" + std::to_string(i) + ".toml"), text.substr(0, cut));
        if (cut == std::string_view::npos) break;
        text.remove_prefix(cut + sep.size());
    }
    try {
        soma::load_sweep(dir / "f0.toml", plugins());
    } catch (const soma::Error& e) {
        if (std::getenv("SOMA_FUZZ_VERBOSE")) std::fprintf(stderr, "%s\n", e.what());
    }
    return 0;
}
