// summary.json's layout, once: summary_fields() writes it and reads it back.
#include "train/run_summary.h"

#include <cmath>
#include <limits>

#include "toolkit/format.h"
#include "toolkit/json.h"
#include "train/epoch_choice.h"

namespace soma {

namespace {

constexpr std::int64_t max_int = std::numeric_limits<std::int32_t>::max();
constexpr std::int64_t max_int64 = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t max_classes = 1 << 16;

template <class Io, class S>
void summary_fields(Io& io, S& s) {
    io.text("experiment", s.experiment);
    io.choice("status", s.status, run_status_names, required_field);
    io.check(s.status != RunStatus::pending, "status", "expected ok, diverged or failed, got \"pending\"");
    io.text("error", s.error, omit_when_empty);
    io.text("id", s.id, omit_when_empty);
    io.integer("diverged_epoch", s.diverged_epoch, 0, max_int, omit_when_empty);
    io.integer("early_stopped_epoch", s.early_stopped_epoch, 0, max_int, omit_when_empty);
    // A run that failed before its first epoch has nothing more to say.
    if (io.omit_rest(s.status == RunStatus::failed && s.epochs == 0 && s.network.empty())) return;
    io.text("network", s.network);
    io.count("parameters", s.parameters, static_cast<double>(max_int64));
    io.text("dataset", s.dataset);
    io.integer("train_samples", s.train_samples, 0, max_int64);
    io.integer("validation_samples", s.validation_samples, 0, max_int64);
    io.integer("test_samples", s.test_samples, 0, max_int64);
    io.integer("epochs", s.epochs, 0, max_int);
    io.note("epoch_rule", epoch_rule_text);
    io.integer("chosen_epoch", s.chosen_epoch, 0, max_int);
    io.fraction("chosen_validation_accuracy", s.chosen_validation_accuracy);
    io.fraction("chosen_test_accuracy", s.chosen_test_accuracy);
    io.number("chosen_test_loss", s.chosen_test_loss, 0.0);
    io.fraction("test_accuracy", s.test_accuracy);
    io.number("test_loss", s.test_loss, 0.0);
    io.fraction("best_test_accuracy", s.best_test_accuracy);
    io.integer("best_test_epoch", s.best_test_epoch, 0, max_int);
    io.fraction("validation_accuracy", s.validation_accuracy);
    io.fraction("best_validation_accuracy", s.best_validation_accuracy);
    io.integer("best_validation_epoch", s.best_validation_epoch, 0, max_int);
    io.number("train_loss", s.train_loss, 0.0);
    io.fraction("train_accuracy", s.train_accuracy);
    io.number("train_seconds", s.train_seconds, 0.0);
    io.number("samples_per_second", s.samples_per_second, 0.0);
    io.integer("threads", s.threads, 0, max_int);
    io.integer("ranks", s.ranks, 0, max_int, omit_when_empty);
    io.integer("seed", s.seed, 0, max_int64);
    io.integer("batch_size", s.batch_size, 0, max_int);
    io.text("optimizer", s.optimizer);
    io.text("loss", s.loss);
    io.integer("classes", s.classes, 0, max_classes);
    const double most = s.test_samples > 0 ? static_cast<double>(s.test_samples) : static_cast<double>(max_int64);
    io.count_matrix("confusion", s.confusion, static_cast<std::size_t>(s.classes), most);
    io.count_matrix("chosen_confusion", s.chosen_confusion, static_cast<std::size_t>(s.classes), most);
    io.record("provenance", s.provenance, [](auto& sub, auto& p) { provenance_fields(sub, p); });

    // What the numbers must say about each other.
    const std::string within = "expected at most the epochs trained (" + std::to_string(s.epochs) + ")";
    io.check(s.best_test_epoch <= s.epochs, "best_test_epoch", within + ", got " + std::to_string(s.best_test_epoch));
    io.check(s.best_validation_epoch <= s.epochs, "best_validation_epoch",
             within + ", got " + std::to_string(s.best_validation_epoch));
    io.check(s.chosen_epoch <= s.epochs, "chosen_epoch", within + ", got " + std::to_string(s.chosen_epoch));
    io.check(s.early_stopped_epoch <= s.epochs, "early_stopped_epoch",
             within + ", got " + std::to_string(s.early_stopped_epoch));
    io.check(s.diverged_epoch <= s.epochs + 1, "diverged_epoch",
             "expected the epoch after the last one trained (" + std::to_string(s.epochs + 1) + ") at most, got " +
                 std::to_string(s.diverged_epoch));
    for (const auto& [key, matrix] : {std::pair{"confusion", &s.confusion}, std::pair{"chosen_confusion", &s.chosen_confusion}}) {
        double total = 0;
        for (const auto& row : *matrix)
            for (double n : row) total += n;
        io.check(matrix->empty() || s.test_samples == 0 || total == static_cast<double>(s.test_samples), key,
                 "the counts add up to " + std::to_string(static_cast<std::int64_t>(total)) + ", expected the " +
                     std::to_string(s.test_samples) + " test samples");
    }
}

// The record as the helpers of toolkit/json.h take it.
constexpr auto fields = [](auto& io, auto& summary) { summary_fields(io, summary); };

}  // namespace

RunSummary::RunSummary()
    : parameters(std::numeric_limits<double>::quiet_NaN()),
      chosen_validation_accuracy(parameters),
      chosen_test_accuracy(parameters),
      chosen_test_loss(parameters),
      test_accuracy(parameters),
      test_loss(parameters),
      best_test_accuracy(parameters),
      validation_accuracy(parameters),
      best_validation_accuracy(parameters),
      train_loss(parameters),
      train_accuracy(parameters),
      train_seconds(parameters),
      samples_per_second(parameters) {}

std::string run_summary_text(const RunSummary& summary) { return record_text(summary, fields); }

RunSummary parse_run_summary(const std::string& text, const std::string& source) {
    return parse_record<RunSummary>(text, source, fields);
}

RunSummary read_run_summary(const std::filesystem::path& file) {
    return read_record<RunSummary>(file, max_summary_bytes, fields);
}

std::string run_result_text(const RunSummary& s) {
    std::string out(run_status_names.name(s.status));
    if (s.chosen_epoch == 0) return out;
    if (std::isnan(s.chosen_validation_accuracy))
        return out + ", test accuracy " + fmt_percent(s.chosen_test_accuracy) + " at the last epoch (no validation split)";
    out += ", epoch " + std::to_string(s.chosen_epoch) + " chosen on validation (" +
           fmt_percent(s.chosen_validation_accuracy) + "), test accuracy " + fmt_percent(s.chosen_test_accuracy) +
           " there";
    if (s.chosen_epoch != s.epochs) out += " (last epoch " + fmt_percent(s.test_accuracy) + ")";
    return out;
}

}  // namespace soma
