// Number and text formatting for reports, tables and CSV files.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "toolkit/stats.h"

namespace soma {

// Escapes & < > " ' for HTML/SVG text and attribute values.
std::string xml_escape(const std::string& s);

// "-" for NaN; fixed decimals otherwise.
std::string fmt_fixed(double v, int decimals);
// A fraction as a percentage: 0.97123 -> "97.12%" ("-" for NaN).
std::string fmt_percent(double fraction, int decimals = 2);
// A mean with its 95% interval: "97.12 ± 0.15%" (± the half-width of the
// t-interval), just "97.12%" for one value, "-" without values.
std::string fmt_percent_stat(const Stat& s, int decimals = 2);
// "3.3 ± 0.6" / "12.5" for plain numbers.
std::string fmt_stat(const Stat& s, int decimals = 1);
// A p-value with two significant digits: "0.43", "0.043", "< 0.001"; "-" for NaN.
std::string fmt_p(double p);
// The shortest exact form (util/number.h) as CSV writes it: "" for NaN and infinities.
std::string fmt_exact(double v);
// A CSV field, quoted when it holds a comma, quote or line break.
std::string csv_field(const std::string& s);
// Thousands grouped: 13002 -> "13,002"; "-" for NaN.
std::string fmt_count(double v);

// Terminal width of UTF-8 text (code points; no wide characters expected).
std::size_t text_width(const std::string& s);
// Pads with spaces to width: left-aligned, or right-aligned when right.
std::string pad(const std::string& s, std::size_t width, bool right = false);

}  // namespace soma
