#include "toolkit/format.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "util/number.h"

namespace soma {

std::string xml_escape(const std::string& s) {
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            default: out += c;
        }
    }
    return out;
}

std::string fmt_fixed(double v, int decimals) {
    if (std::isnan(v)) return "-";
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

std::string fmt_percent(double fraction, int decimals) {
    if (std::isnan(fraction)) return "-";
    return fmt_fixed(100.0 * fraction, decimals) + "%";
}

std::string fmt_percent_stat(const Stat& s, int decimals) {
    if (s.n == 0) return "-";
    if (s.n == 1) return fmt_percent(s.mean, decimals);
    return fmt_fixed(100.0 * s.mean, decimals) + " ± " + fmt_fixed(100.0 * s.ci, decimals) + "%";
}

std::string fmt_stat(const Stat& s, int decimals) {
    if (s.n == 0) return "-";
    if (s.n == 1) return fmt_fixed(s.mean, decimals);
    return fmt_fixed(s.mean, decimals) + " ± " + fmt_fixed(s.ci, decimals);
}

std::string fmt_p(double p) {
    if (std::isnan(p)) return "-";
    if (p < 0.001) return "< 0.001";
    if (p >= 0.995) return "1";
    // Two significant digits, without trailing zeros: 0.43, 0.043, 0.0043.
    const int decimals = std::max(2, 1 - static_cast<int>(std::floor(std::log10(p))));
    std::string s = fmt_fixed(p, decimals);
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
    return s;
}

std::string fmt_exact(double v) { return std::isfinite(v) ? shortest_number(v) : ""; }

std::string csv_field(const std::string& s) {
    if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
    std::string out = "\"";
    for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

std::string fmt_count(double v) {
    if (std::isnan(v)) return "-";
    std::string digits = fmt_fixed(std::fabs(v), 0);
    std::string out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return (v < 0 ? "-" : "") + out;
}

std::size_t text_width(const std::string& s) {
    std::size_t n = 0;
    for (unsigned char c : s)
        if ((c & 0xc0) != 0x80) ++n;
    return n;
}

std::string pad(const std::string& s, std::size_t width, bool right) {
    std::size_t w = text_width(s);
    if (w >= width) return s;
    return right ? std::string(width - w, ' ') + s : s + std::string(width - w, ' ');
}

}  // namespace soma
