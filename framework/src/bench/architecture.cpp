#include "bench/architecture.h"

#include "util/error.h"

namespace soma {

Architecture parse_architecture(const std::string& text) {
    Architecture a;
    a.text = text;
    if (text.empty()) throw Error("architecture '': expected widths joined by '-', e.g. 784-16-16-10");
    std::size_t start = 0;
    for (int position = 1;; ++position) {
        const std::size_t dash = text.find('-', start);
        const std::string part = text.substr(start, dash == std::string::npos ? std::string::npos : dash - start);
        long long v = 0;
        bool ok = !part.empty() && part.size() <= 9;
        for (char c : part) {
            ok = ok && c >= '0' && c <= '9';
            if (ok) v = v * 10 + (c - '0');
        }
        if (!ok || v < 1 || v > 10000000)
            throw Error("architecture '" + text + "': position " + std::to_string(position) + " is " +
                        (part.empty() ? std::string("empty") : "'" + part + "'") +
                        ", expected a whole number >= 1 (widths joined by '-', e.g. 784-16-16-10)");
        a.widths.push_back(static_cast<int>(v));
        if (dash == std::string::npos) break;
        start = dash + 1;
    }
    if (a.widths.size() < 2)
        throw Error("architecture '" + text + "': needs at least inputs-outputs (e.g. 784-16-16-10)");
    return a;
}

std::size_t architecture_parameters(const Architecture& a) {
    std::size_t n = 0;
    for (std::size_t l = 0; l + 1 < a.widths.size(); ++l)
        n += static_cast<std::size_t>(a.widths[l]) * static_cast<std::size_t>(a.widths[l + 1]) +
             static_cast<std::size_t>(a.widths[l + 1]);
    return n;
}

double architecture_multiply_adds(const Architecture& a) {
    double n = 0;
    for (std::size_t l = 0; l + 1 < a.widths.size(); ++l) n += static_cast<double>(a.widths[l]) * a.widths[l + 1];
    return n;
}

double architecture_flops(const Architecture& a) { return 2.0 * architecture_multiply_adds(a); }

ModelConfig architecture_model(const Architecture& a, const std::string& activation) {
    ModelConfig m;
    for (std::size_t l = 1; l + 1 < a.widths.size(); ++l) {
        LayerConfig layer;
        layer.type = "dense";
        layer.units = a.widths[l];
        layer.activation = activation;
        m.layers.push_back(layer);
    }
    return m;
}

}  // namespace soma
