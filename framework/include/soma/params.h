// Named numeric parameters of a plugin feature (a leaky_relu's alpha, an
// optimizer's learning_rate), declared with ranges so soma validates a config
// before any work starts.
#pragma once

#include <cmath>
#include <limits>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace soma {

struct ParamSpec {
    std::string name;
    double default_value = 0.0;
    double min = -std::numeric_limits<double>::infinity();
    double max = std::numeric_limits<double>::infinity();
    std::string help;
    bool integer = false;  // value must be a whole number
};

// Values after validation: every declared parameter is present (defaults
// filled in by the host), nothing undeclared is.
class Params {
public:
    Params() = default;
    explicit Params(std::map<std::string, double> values) : values_(std::move(values)) {}

    double get(const std::string& name) const {
        auto it = values_.find(name);
        if (it == values_.end()) throw std::out_of_range("parameter '" + name + "' was not declared");
        return it->second;
    }
    void set(const std::string& name, double value) { values_[name] = value; }
    bool has(const std::string& name) const { return values_.count(name) != 0; }
    const std::map<std::string, double>& values() const { return values_; }

private:
    std::map<std::string, double> values_;
};

// Fills defaults and checks ranges; throws std::invalid_argument naming the
// parameter. The config layer does the same earlier with file positions.
inline Params resolve_params(const std::vector<ParamSpec>& specs, const Params& given) {
    Params out;
    for (const auto& [name, value] : given.values()) {
        bool known = false;
        for (const auto& s : specs) known = known || s.name == name;
        if (!known) throw std::invalid_argument("unknown parameter '" + name + "'");
    }
    for (const auto& s : specs) {
        double v = given.has(s.name) ? given.get(s.name) : s.default_value;
        if (!(v >= s.min && v <= s.max))
            throw std::invalid_argument("parameter '" + s.name + "' = " + std::to_string(v) +
                                        " is outside [" + std::to_string(s.min) + ", " +
                                        std::to_string(s.max) + "]");
        if (s.integer && std::floor(v) != v)
            throw std::invalid_argument("parameter '" + s.name + "' must be a whole number");
        out.set(s.name, v);
    }
    return out;
}

}  // namespace soma
