// The report's charts built from a summarized sweep: learning curves (one
// line per configuration, mean over seeds, min..max band) and accuracy
// against hidden-layer size (one line per activation or other setting).
#pragma once

#include <string>

#include "report/aggregate.h"
#include "toolkit/svg_chart.h"

namespace soma {

// The colour of a configuration in every chart: by its rank.
std::string config_color(const ConfigSummary& config);

// One line per configuration: the mean over its runs that did not diverge,
// with a min..max band; each diverged run drawn dashed on its own (it does
// not set the axis range, so where it blows up it leaves the chart).
// Validation accuracy per epoch (test accuracy without validation).
LineChart accuracy_curves(const SweepRecord& sweep, const SweepSummary& summary);
// Training loss per epoch.
LineChart loss_curves(const SweepRecord& sweep, const SweepSummary& summary);

// The ranking accuracy against total hidden units (log axis), or against the
// hidden specs as categories when totals repeat. false, with a note, when
// the sweep does not vary the hidden sizes.
bool hidden_size_chart(const SweepRecord& sweep, const SweepSummary& summary, LineChart& chart, std::string& note);

}  // namespace soma
