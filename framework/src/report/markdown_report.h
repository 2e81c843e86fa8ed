// report.md: the ranked table, the list of runs with their status and
// errors, and a link to report.html for the charts.
#pragma once

#include <string>

#include "report/aggregate.h"

namespace soma {

std::string report_markdown(const SweepRecord& sweep, const SweepSummary& summary);

}  // namespace soma
