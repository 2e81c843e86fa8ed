#include "report/results.h"

#include <cmath>
#include <limits>

#include "report/json_read.h"
#include "util/error.h"

namespace soma {

namespace fs = std::filesystem;

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

[[noreturn]] void bad(const fs::path& file, const std::string& what) { throw Error(file.string() + ": " + what); }

double number_field(const JsonValue& obj, const char* key, const fs::path& file) {
    const JsonValue* v = obj.find(key);
    if (!v || v->is_null()) return nan;
    if (!v->is_number()) bad(file, std::string("field \"") + key + "\" must be a number or null");
    return v->number;
}

int int_field(const JsonValue& obj, const char* key, const fs::path& file) {
    double v = number_field(obj, key, file);
    return std::isfinite(v) ? static_cast<int>(v) : 0;
}

std::string string_field(const JsonValue& obj, const char* key, const fs::path& file, bool required) {
    const JsonValue* v = obj.find(key);
    if (!v || v->is_null()) {
        if (required) bad(file, std::string("missing field \"") + key + "\"");
        return "";
    }
    if (!v->is_string()) bad(file, std::string("field \"") + key + "\" must be a string");
    return v->string;
}

void read_summary(RunRecord& run, const fs::path& file) {
    JsonValue s = read_json_file(file);
    if (!s.is_object()) bad(file, "expected a JSON object");
    run.status = string_field(s, "status", file, true);
    if (run.status != "ok" && run.status != "diverged" && run.status != "failed")
        bad(file, "status \"" + run.status + "\" is not ok, diverged or failed");
    run.error = string_field(s, "error", file, false);
    run.network = string_field(s, "network", file, false);
    run.diverged_epoch = int_field(s, "diverged_epoch", file);
    run.test_accuracy = number_field(s, "test_accuracy", file);
    run.best_test_accuracy = number_field(s, "best_test_accuracy", file);
    run.best_test_epoch = int_field(s, "best_test_epoch", file);
    run.validation_accuracy = number_field(s, "validation_accuracy", file);
    run.best_validation_accuracy = number_field(s, "best_validation_accuracy", file);
    run.best_validation_epoch = int_field(s, "best_validation_epoch", file);
    run.train_loss = number_field(s, "train_loss", file);
    run.epochs = int_field(s, "epochs", file);
    run.train_seconds = number_field(s, "train_seconds", file);
    run.samples_per_second = number_field(s, "samples_per_second", file);
    run.parameters = number_field(s, "parameters", file);
    run.confusion.clear();
    if (const JsonValue* c = s.find("confusion"); c && !c->is_null()) {
        if (!c->is_array()) bad(file, "field \"confusion\" must be an array of rows");
        for (const JsonValue& row : c->items) {
            if (!row.is_array() || row.items.size() != c->items.size())
                bad(file, "field \"confusion\" must be a square array of number rows");
            std::vector<double> values;
            for (const JsonValue& x : row.items) {
                if (!x.is_number()) bad(file, "field \"confusion\" holds a value that is not a number");
                values.push_back(x.number);
            }
            run.confusion.push_back(std::move(values));
        }
    }
}

std::string folder_name(const fs::path& dir) {
    fs::path p = fs::absolute(dir).lexically_normal();
    if (p.filename().empty()) p = p.parent_path();
    return p.filename().string();
}

}  // namespace

RunRecord::RunRecord()
    : test_accuracy(nan),
      best_test_accuracy(nan),
      validation_accuracy(nan),
      best_validation_accuracy(nan),
      train_loss(nan),
      train_seconds(nan),
      samples_per_second(nan),
      parameters(nan) {}

bool RunRecord::has_validation() const {
    if (std::isfinite(best_validation_accuracy)) return true;
    for (const EpochRow& r : metrics)
        if (std::isfinite(r.validation_accuracy)) return true;
    return false;
}

void load_run_files(RunRecord& run) {
    std::error_code ec;
    if (fs::exists(run.dir / "summary.json", ec)) read_summary(run, run.dir / "summary.json");
    if (fs::exists(run.dir / "metrics.csv", ec)) run.metrics = read_metrics_csv(run.dir / "metrics.csv");
    run.model = model_shape(run.assignments, run.dir / "config.toml");
}

SweepRecord load_results(const fs::path& dir) {
    SweepRecord sweep;
    sweep.dir = dir;
    std::error_code ec;
    const fs::path index = dir / "sweep.json";
    if (!fs::exists(index, ec)) {
        if (!fs::exists(dir / "summary.json", ec) && !fs::exists(dir / "metrics.csv", ec))
            throw Error(dir.string() + ": neither a sweep folder (no sweep.json) nor a run folder (no summary.json)");
        sweep.single_run = true;
        RunRecord run;
        run.dir = dir;
        run.id = folder_name(dir);
        load_run_files(run);
        if (fs::exists(dir / "summary.json", ec)) {
            JsonValue s = read_json_file(dir / "summary.json");
            sweep.experiment = string_field(s, "experiment", dir / "summary.json", false);
        }
        if (sweep.experiment.empty()) sweep.experiment = run.id;
        sweep.runs.push_back(std::move(run));
        return sweep;
    }

    JsonValue j = read_json_file(index);
    if (!j.is_object()) bad(index, "expected a JSON object");
    sweep.experiment = string_field(j, "experiment", index, false);
    if (const JsonValue* axes = j.find("axes")) {
        if (!axes->is_array()) bad(index, "field \"axes\" must be an array of strings");
        for (const JsonValue& a : axes->items) {
            if (!a.is_string()) bad(index, "field \"axes\" must be an array of strings");
            sweep.axes.push_back(a.string);
        }
    }
    const JsonValue* runs = j.find("runs");
    if (!runs || !runs->is_array()) bad(index, "missing array field \"runs\"");
    for (std::size_t i = 0; i < runs->items.size(); ++i) {
        const JsonValue& r = runs->items[i];
        const std::string where = "runs[" + std::to_string(i) + "]";
        if (!r.is_object()) bad(index, where + " must be an object");
        RunRecord run;
        const JsonValue* id = r.find("id");
        if (!id || !id->is_string()) bad(index, where + ": missing string field \"id\"");
        run.id = id->string;
        if (run.id.find('/') != std::string::npos || run.id == "..")
            bad(index, where + ": id \"" + run.id + "\" is not a folder name");
        const JsonValue* config_id = r.find("config_id");
        if (config_id && !config_id->is_string()) bad(index, where + ": field \"config_id\" must be a string");
        run.config_id = config_id ? config_id->string : run.id;
        if (const JsonValue* a = r.find("assignments"); a && !a->is_null()) {
            if (!a->is_object()) bad(index, where + ": field \"assignments\" must be an object");
            for (const auto& [path, value] : a->members) {
                if (!value.is_string()) bad(index, where + ": assignment \"" + path + "\" must be TOML text (a string)");
                run.assignments.emplace_back(path, value.string);
            }
        }
        run.dir = dir / "runs" / (run.id.empty() ? std::string("run") : run.id);
        load_run_files(run);
        sweep.runs.push_back(std::move(run));
    }
    if (sweep.experiment.empty()) sweep.experiment = folder_name(dir);
    return sweep;
}

}  // namespace soma
