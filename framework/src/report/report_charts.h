// The report's charts built from a summarized sweep: learning curves (one
// line per configuration, mean over seeds, its 95% interval as a band) and
// accuracy against model size (parameters on a log axis, one line per
// activation and depth, 95% intervals as error bars).
#pragma once

#include <string>

#include "report/aggregate.h"
#include "toolkit/svg_chart.h"

namespace soma {

// The colour of a configuration in every chart: by its rank.
std::string config_color(const ConfigSummary& config);

// One line per configuration: the mean over its runs that did not diverge,
// with its 95% interval as a band; each diverged run drawn dashed on its own (it does
// not set the axis range, so where it blows up it leaves the chart).
// Validation accuracy per epoch (test accuracy without validation).
LineChart accuracy_curves(const SweepRecord& sweep, const SweepSummary& summary);
// Training loss per epoch.
LineChart loss_curves(const SweepRecord& sweep, const SweepSummary& summary);

// The ranking figure against the parameter count (log axis), one line per
// setting of the other axes and depth, each point with its 95% interval.
// false, with a note, when the sweep does not vary the hidden sizes.
bool hidden_size_chart(const SweepRecord& sweep, const SweepSummary& summary, LineChart& chart, std::string& note);

}  // namespace soma
