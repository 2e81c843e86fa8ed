// The plugin ABI: the one C entry point every soma plugin exports, the
// descriptor it returns, and the marker the host reads before loading.
#pragma once

#include <cstdint>

#include <oneapi/dnnl/dnnl_version.h>

namespace soma { class Registrar; }

// SOMA_PLUGIN_ABI_VERSION guards soma_plugin_descriptor, soma_plugin_marker
// and every interface a plugin reaches through the Registrar (activation.h,
// layer.h, optimizer.h, params.h, tensor.h, elementwise.h, state.h, onnx.h).
// Bump it whenever any of them changes layout, a virtual function is added,
// removed or reordered, a signature changes, or the marker gains a field. The
// host refuses a plugin built against any other number, before running its code.
//   2: the marker records oneDNN and the C++ library the plugin was built with;
//      InitSpec (layer.h) holds the init scheme as an enum (soma/init.h).
//   3: InitSpec holds the biases' scheme (BiasInit); Layer::buffers() (the
//      state a model file keeps beside the parameters, e.g. batch_norm's).
//   4: Optimizer::state() and Layer::state() (soma/state.h): the state a
//      checkpoint keeps so that a resumed run continues bit for bit;
//      FeatureInfo::onnx, an activation's or a layer's ONNX form (soma/onnx.h).
#define SOMA_PLUGIN_ABI_VERSION 4u

// The exported entry symbol, looked up by name in the plugin's dynamic symbols.
#define SOMA_PLUGIN_ENTRY_NAME "soma_plugin_entry"

// The ELF section holding the marker; the host reads it from the file before
// loading, so a mismatched plugin's static initialisers never run.
#define SOMA_PLUGIN_MARKER_SECTION ".soma_plugin"

// The C++ standard library a plugin was built with. Plugins and host exchange
// C++ objects (std::string, std::function, std::vector, dnnl::engine), so
// both must use one library with one object layout:
//   libstdc++: _GLIBCXX_USE_CXX11_ABI selects the layout of std::string and
//     std::list (0 = the old copy-on-write string), so it must be equal.
//     _GLIBCXX_RELEASE is the GCC major whose headers built the code;
//     libstdc++ runs code built with older headers, not newer (newer inline
//     code may rely on what an older library lacks), so a plugin's must not
//     exceed the host's. The date macro __GLIBCXX__ is not recorded: it
//     changes with every point release and says nothing about layout.
//   libc++: recorded so that the host can name it (_LIBCPP_ABI_VERSION,
//     _LIBCPP_VERSION); soma itself is built with libstdc++.
#define SOMA_PLUGIN_CXX_LIBSTDCXX 1u
#define SOMA_PLUGIN_CXX_LIBCXX 2u
#if defined(_GLIBCXX_RELEASE)
#define SOMA_PLUGIN_CXX_LIBRARY SOMA_PLUGIN_CXX_LIBSTDCXX
#define SOMA_PLUGIN_CXX_ABI _GLIBCXX_USE_CXX11_ABI
#define SOMA_PLUGIN_CXX_RELEASE _GLIBCXX_RELEASE
#elif defined(_LIBCPP_VERSION)
#define SOMA_PLUGIN_CXX_LIBRARY SOMA_PLUGIN_CXX_LIBCXX
#define SOMA_PLUGIN_CXX_ABI _LIBCPP_ABI_VERSION
#define SOMA_PLUGIN_CXX_RELEASE _LIBCPP_VERSION
#else
#define SOMA_PLUGIN_CXX_LIBRARY 0u
#define SOMA_PLUGIN_CXX_ABI 0u
#define SOMA_PLUGIN_CXX_RELEASE 0u
#endif

extern "C" {

// Marker layout: 8 bytes of magic, then 32-bit fields, little endian. The
// ABI version comes first and keeps its place in every version, so any soma
// can read it; the fields after it are read only when it matches.
struct soma_plugin_marker {
    char magic[8];               // "SOMAPLUG"
    std::uint32_t abi_version;   // SOMA_PLUGIN_ABI_VERSION
    // oneDNN's headers at build time (oneapi/dnnl/dnnl_version.h). oneDNN
    // keeps its API and ABI within a major version (a new minor only adds),
    // and a major has its own soname (libdnnl.so.2, .so.3) whose objects
    // must never meet: the host checks the major. The minor is recorded to
    // name the version in messages.
    std::uint32_t onednn_major;  // DNNL_VERSION_MAJOR
    std::uint32_t onednn_minor;  // DNNL_VERSION_MINOR
    std::uint32_t cxx_library;   // SOMA_PLUGIN_CXX_LIBRARY
    std::uint32_t cxx_abi;       // SOMA_PLUGIN_CXX_ABI
    std::uint32_t cxx_release;   // SOMA_PLUGIN_CXX_RELEASE
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

// The marker of code built with these headers; the host compares a plugin's
// marker with its own.
#define SOMA_PLUGIN_MARKER_VALUE                                                                       \
    {{'S', 'O', 'M', 'A', 'P', 'L', 'U', 'G'}, SOMA_PLUGIN_ABI_VERSION, DNNL_VERSION_MAJOR, DNNL_VERSION_MINOR, \
     SOMA_PLUGIN_CXX_LIBRARY, SOMA_PLUGIN_CXX_ABI, SOMA_PLUGIN_CXX_RELEASE}

#define SOMA_PLUGIN_EXPORT extern "C" __attribute__((visibility("default")))

// Defines the marker and the entry point. Use once per plugin library:
//   SOMA_PLUGIN("sigmoid", "1.0.0", register_sigmoid)
// (an activation made of f and f' has SOMA_ACTIVATION_PLUGIN, elementwise.h).
#define SOMA_PLUGIN(NAME, VERSION, REGISTER_FN)                                                       \
    extern "C" __attribute__((used, section(SOMA_PLUGIN_MARKER_SECTION)))                             \
    const soma_plugin_marker soma_plugin_marker_v = SOMA_PLUGIN_MARKER_VALUE;                          \
    SOMA_PLUGIN_EXPORT const soma_plugin_descriptor* soma_plugin_entry() {                            \
        static const soma_plugin_descriptor descriptor{SOMA_PLUGIN_ABI_VERSION, NAME, VERSION, REGISTER_FN}; \
        return &descriptor;                                                                            \
    }
