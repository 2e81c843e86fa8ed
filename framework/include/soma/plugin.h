// The plugin ABI: the one C entry point every soma plugin exports, the
// descriptor it returns, and the marker the host reads before loading.
#pragma once

#include <cstdint>

namespace soma { class Registrar; }

// SOMA_PLUGIN_ABI_VERSION guards soma_plugin_descriptor and every interface a
// plugin reaches through the Registrar (activation.h, layer.h, optimizer.h,
// params.h, tensor.h). Bump it whenever any of them changes layout, a virtual
// function is added, removed or reordered, or a signature changes. The host
// refuses a plugin built against any other number, before running its code.
#define SOMA_PLUGIN_ABI_VERSION 2u

// The exported entry symbol, looked up by name in the plugin's dynamic symbols.
#define SOMA_PLUGIN_ENTRY_NAME "soma_plugin_entry"

// The ELF section holding the marker; the host reads it from the file before
// loading, so a mismatched plugin's static initialisers never run.
#define SOMA_PLUGIN_MARKER_SECTION ".soma_plugin"

extern "C" {

// Marker layout: 8 bytes of magic, then the ABI version, little endian.
struct soma_plugin_marker {
    char magic[8];  // "SOMAPLUG"
    std::uint32_t abi_version;
};

struct soma_plugin_descriptor {
    std::uint32_t abi_version;  // SOMA_PLUGIN_ABI_VERSION at build time
    const char* name;           // plugin (library) name, e.g. "sigmoid"
    const char* version;        // the plugin's own version, e.g. "1.0.0"
    // Registers the library's features. Throwing refuses the whole plugin.
    void (*register_features)(soma::Registrar& registrar);
};

typedef const soma_plugin_descriptor* (*soma_plugin_entry_fn)();

}  // extern "C"

#define SOMA_PLUGIN_EXPORT extern "C" __attribute__((visibility("default")))

// Defines the marker and the entry point. Use once per plugin library:
//   SOMA_PLUGIN("sigmoid", "1.0.0", register_sigmoid)
#define SOMA_PLUGIN(NAME, VERSION, REGISTER_FN)                                       \
    extern "C" __attribute__((used, section(SOMA_PLUGIN_MARKER_SECTION)))             \
    const soma_plugin_marker soma_plugin_marker_v = {{'S', 'O', 'M', 'A', 'P', 'L', 'U', 'G'}, \
                                                     SOMA_PLUGIN_ABI_VERSION};         \
    SOMA_PLUGIN_EXPORT const soma_plugin_descriptor* soma_plugin_entry() {            \
        static const soma_plugin_descriptor descriptor{SOMA_PLUGIN_ABI_VERSION, NAME, \
                                                       VERSION, REGISTER_FN};          \
        return &descriptor;                                                            \
    }
