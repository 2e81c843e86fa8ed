#include "report/confusion.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "toolkit/format.h"

namespace soma {

namespace {

std::string mix(const int to[3], double t) {
    // From white to `to` by t in [0, 1].
    char buf[16];
    int c[3];
    for (int k = 0; k < 3; ++k) c[k] = static_cast<int>(std::lround(255 + (to[k] - 255) * t));
    std::snprintf(buf, sizeof buf, "#%02x%02x%02x", c[0], c[1], c[2]);
    return buf;
}

}  // namespace

std::string confusion_svg(const std::vector<std::vector<double>>& m) {
    const std::size_t n = m.size();
    const double cell = n <= 10 ? 40 : std::max(14.0, 400.0 / static_cast<double>(n));
    const double left = 64, top = 50, right_col = 70;
    const double width = left + cell * static_cast<double>(n) + right_col + 10;
    const double height = top + cell * static_cast<double>(n) + 14;
    double max_diag = 0, max_off = 0;
    for (std::size_t t = 0; t < n; ++t)
        for (std::size_t p = 0; p < n; ++p)
            (t == p ? max_diag : max_off) = std::max(t == p ? max_diag : max_off, m[t][p]);
    const int blue[3] = {24, 100, 171}, orange[3] = {217, 72, 15};

    std::ostringstream o;
    o << "<svg class=\"confusion\" role=\"img\" width=\"" << width << "\" height=\"" << height << "\" viewBox=\"0 0 "
      << width << " " << height << "\" font-family=\"sans-serif\" font-size=\"" << (cell >= 30 ? 11 : 8) << "\">\n";
    o << "<title>Confusion matrix: rows are true labels, columns predicted labels</title>\n";
    o << "<text x=\"" << left + cell * n / 2 << "\" y=\"14\" text-anchor=\"middle\" font-size=\"12\" fill=\"#212529\">"
         "predicted label</text>\n";
    o << "<text transform=\"translate(14 " << top + cell * n / 2
      << ") rotate(-90)\" text-anchor=\"middle\" font-size=\"12\" fill=\"#212529\">true label</text>\n";
    o << "<text x=\"" << left + cell * n + right_col / 2 << "\" y=\"" << top - 8
      << "\" text-anchor=\"middle\" fill=\"#495057\">recall</text>\n";
    for (std::size_t i = 0; i < n; ++i) {
        o << "<text x=\"" << left + cell * (i + 0.5) << "\" y=\"" << top - 8 << "\" text-anchor=\"middle\" fill=\"#495057\">"
          << i << "</text>\n";
        o << "<text x=\"" << left - 8 << "\" y=\"" << top + cell * (i + 0.5) + 4 << "\" text-anchor=\"end\" fill=\"#495057\">"
          << i << "</text>\n";
    }
    for (std::size_t t = 0; t < n; ++t) {
        double row_total = 0;
        for (std::size_t p = 0; p < n; ++p) row_total += m[t][p];
        for (std::size_t p = 0; p < n; ++p) {
            const double v = m[t][p];
            const bool diag = t == p;
            const double scale = diag ? max_diag : max_off;
            const double s = scale > 0 && v > 0 ? std::sqrt(v / scale) : 0;  // sqrt: small errors stay visible
            const std::string fill = diag ? mix(blue, 0.15 + 0.85 * s) : (v > 0 ? mix(orange, 0.08 + 0.92 * s) : "#ffffff");
            const bool dark = (diag ? 0.15 + 0.85 * s : 0.08 + 0.92 * s) > 0.55 && v > 0;
            const double x = left + cell * p, y = top + cell * t;
            o << "<g><title>true " << t << ", predicted " << p << ": " << fmt_count(v) << "</title><rect x=\"" << x
              << "\" y=\"" << y << "\" width=\"" << cell << "\" height=\"" << cell << "\" fill=\"" << fill
              << "\" stroke=\"#dee2e6\"/>";
            if (v > 0 || diag)
                o << "<text x=\"" << x + cell / 2 << "\" y=\"" << y + cell / 2 + 4 << "\" text-anchor=\"middle\" fill=\""
                  << (dark ? "#ffffff" : "#212529") << "\">" << fmt_count(v) << "</text>";
            o << "</g>\n";
        }
        o << "<text x=\"" << left + cell * n + right_col / 2 << "\" y=\"" << top + cell * (t + 0.5) + 4
          << "\" text-anchor=\"middle\" fill=\"#212529\">"
          << (row_total > 0 ? fmt_percent(m[t][t] / row_total, 1) : std::string("-")) << "</text>\n";
    }
    o << "</svg>\n";
    return o.str();
}

}  // namespace soma
