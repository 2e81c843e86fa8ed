// report.html: one self-contained HTML5 page (inline CSS, inline SVG charts,
// PNG data: URIs; no scripts, fonts or network references) that tells a
// sweep's story: which configuration wins, how the learning curves differ,
// how accuracy follows the hidden-layer size, and what the best run learned.
#pragma once

#include <string>

#include "report/aggregate.h"

namespace soma {

std::string report_html(const SweepRecord& sweep, const SweepSummary& summary);

}  // namespace soma
