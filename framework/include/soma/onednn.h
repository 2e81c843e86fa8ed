// oneDNN helpers for layers: prebuilt execution arguments, binding buffers,
// primitives per batch size.
//
// Prebuilt oneDNN execution arguments. The C++ API's execute(stream, map)
// copies its std::unordered_map into a fresh std::vector on every call; this
// keeps the C argument array built once and calls the C API directly.
#pragma once

#include <initializer_list>
#include <memory>
#include <stdexcept>
#include <string>
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

// Points a memory object at a caller's buffer, skipping the call when it
// already does. oneDNN takes a non-const handle; src and diff_dst are only read.
inline void bind(dnnl::memory& m, const float* data) {
    void* handle = const_cast<float*>(data);
    if (m.get_data_handle() != handle) m.set_data_handle(handle);
}

// A layer's primitives per batch size (the training batch, the last partial
// batch, the evaluation batch), each built once on first use. P has an `int
// batch` member; `build(batch)` returns std::unique_ptr<P>.
template <class P>
class PerBatch {
public:
    template <class Build>
    P& get(int batch, int max_batch, const char* layer, Build&& build) {
        if (current_ && current_->batch == batch) return *current_;
        if (batch < 1 || batch > max_batch)
            throw std::invalid_argument(std::string(layer) + ": batch " + std::to_string(batch) + " outside 1.." +
                                        std::to_string(max_batch));
        for (auto& c : cache_)
            if (c->batch == batch) return *(current_ = c.get());
        cache_.push_back(build(batch));
        return *(current_ = cache_.back().get());
    }
    void clear() {
        cache_.clear();
        current_ = nullptr;
    }

private:
    std::vector<std::unique_ptr<P>> cache_;
    P* current_ = nullptr;
};

}  // namespace soma
