// Prebuilt oneDNN execution arguments. The C++ API's execute(stream, map)
// copies its std::unordered_map into a fresh std::vector on every call; this
// keeps the C argument array built once and calls the C API directly.
#pragma once

#include <initializer_list>
#include <utility>
#include <vector>

#include <oneapi/dnnl/dnnl.hpp>

namespace soma {

class ExecArgs {
public:
    ExecArgs() = default;
    // The memory objects must outlive this (their handles are stored).
    ExecArgs(std::initializer_list<std::pair<int, const dnnl::memory*>> args) {
        for (const auto& [id, mem] : args) args_.push_back({id, mem->get()});
    }
    void execute(const dnnl::primitive& p, const dnnl::stream& s) const {
        dnnl::error::wrap_c_api(
            dnnl_primitive_execute(p.get(), s.get(), static_cast<int>(args_.size()), args_.data()),
            "could not execute a primitive");
    }

private:
    std::vector<dnnl_exec_arg_t> args_;
};

}  // namespace soma
