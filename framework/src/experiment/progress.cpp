#include "experiment/progress.h"

#include <cmath>
#include <cstdio>

#include "nn/network.h"
#include "util/sanitize.h"

namespace soma {

namespace {

std::string percent(double v) {
    if (std::isnan(v)) return "  -   ";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%6.2f%%", 100.0 * v);
    return buf;
}

}  // namespace

ProgressPrinter::ProgressPrinter(std::ostream& out, bool live, std::string label)
    : out_(out), live_(live), label_(std::move(label)) {}

void ProgressPrinter::on_start(const Network& net, int epochs, std::size_t) {
    epochs_ = epochs;
    out_ << terminal_safe(label_) << ": " << terminal_safe(net.describe()) << "\n";
    out_.flush();
}

void ProgressPrinter::on_batch(int epoch, std::size_t done, std::size_t total, double loss) {
    if (!live_) return;
    const auto now = std::chrono::steady_clock::now();
    // Redrawing every batch would cost more than the batch itself.
    if (done != total && now - last_draw_ < std::chrono::milliseconds(100)) return;
    last_draw_ = now;
    const int width = 30;
    const int filled = static_cast<int>(width * static_cast<double>(done) / static_cast<double>(total));
    char buf[160];
    std::snprintf(buf, sizeof buf, "\r  epoch %d/%d [%s%s] %zu/%zu loss %.4f ", epoch, epochs_,
                  std::string(static_cast<std::size_t>(filled), '#').c_str(),
                  std::string(static_cast<std::size_t>(width - filled), '.').c_str(), done, total, loss);
    out_ << buf;
    out_.flush();
}

void ProgressPrinter::on_epoch(const EpochMetrics& m, const RunResult&, Network&) {
    char buf[256];
    std::snprintf(buf, sizeof buf, "  epoch %d/%d  train loss %.4f acc %s  test loss %.4f acc %s%s%s  %.2fs  %.0f samples/s",
                  m.epoch, epochs_, m.train_loss, percent(m.train_accuracy).c_str(), m.test_loss,
                  percent(m.test_accuracy).c_str(), std::isnan(m.validation_accuracy) ? "" : "  val acc ",
                  std::isnan(m.validation_accuracy) ? "" : percent(m.validation_accuracy).c_str(), m.seconds,
                  m.samples_per_second);
    if (live_) out_ << "\r\033[K";
    out_ << buf << "\n";
    out_.flush();
}

}  // namespace soma
