// sweep.json's layout, once: index_fields() writes it and reads it back.
#include "experiment/sweep_record.h"

#include "config/sweep.h"
#include "toolkit/json.h"

namespace soma {

namespace {

// A run id names a folder under runs/: never a path, never the folder itself or its parent.
bool folder_name(const std::string& id) {
    return id.find('/') == std::string::npos && id.find('\0') == std::string::npos && id != "." && id != "..";
}

template <class Io, class R>
void run_fields(Io& io, R& r) {
    io.text("id", r.id, required_field);
    io.check(folder_name(r.id), "id", "\"" + r.id + "\" is not a folder name");
    io.text_or("config_id", r.config_id, r.id);  // the id in files written before config_id existed
    io.text_pairs("assignments", r.assignments);
}

template <class Io, class S>
void index_fields(Io& io, S& s) {
    io.text("experiment", s.experiment);
    io.text("mode", s.mode);
    io.texts("axes", s.axes);
    io.records("runs", s.runs, [](auto& sub, auto& run) { run_fields(sub, run); }, required_field);
}

// The record as the helpers of toolkit/json.h take it.
constexpr auto fields = [](auto& io, auto& index) { index_fields(io, index); };

}  // namespace

SweepIndex sweep_index(const Sweep& sweep) {
    SweepIndex index;
    index.experiment = sweep.base.name;
    index.mode = sweep.mode;
    index.axes = sweep.axes;
    for (const RunSpec& r : sweep.runs) index.runs.push_back({r.id, r.config_id, r.assignments});
    return index;
}

std::string sweep_index_text(const SweepIndex& index) { return record_text(index, fields); }

SweepIndex read_sweep_index(const std::filesystem::path& file) {
    return read_record<SweepIndex>(file, max_sweep_index_bytes, fields);
}

}  // namespace soma
