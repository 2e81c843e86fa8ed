#include "toolkit/svg_chart.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "toolkit/format.h"

namespace soma {

namespace {

std::string num(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", v);
    return buf;
}

double nice_step(double range, int count) {
    double raw = range / std::max(count, 1);
    if (!(raw > 0)) return 1;
    double mag = std::pow(10.0, std::floor(std::log10(raw)));
    double norm = raw / mag;
    double step = norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 2.5 ? 2.5 : norm <= 5 ? 5 : 10;
    return step * mag;
}

std::string tick_label(double v, const ChartAxis& axis, double step) {
    if (!axis.categories.empty()) {
        long i = std::lround(v);
        return i >= 0 && i < static_cast<long>(axis.categories.size()) ? axis.categories[static_cast<std::size_t>(i)] : "";
    }
    double shown = axis.percent ? v * 100 : v;
    double shown_step = axis.percent ? step * 100 : step;
    int decimals = 0;
    if (shown_step > 0 && shown_step < 1) decimals = static_cast<int>(std::ceil(-std::log10(shown_step) - 1e-9));
    if (shown_step > 0 && std::fabs(shown_step * std::pow(10.0, decimals) - std::round(shown_step * std::pow(10.0, decimals))) > 1e-6)
        ++decimals;  // 2.5 steps
    if (axis.log) {
        if (shown >= 1000) return fmt_count(shown) + (axis.percent ? "%" : "");
        std::ostringstream o;
        o << shown;
        return o.str() + (axis.percent ? "%" : "");
    }
    if (std::fabs(shown) < 1e-12) shown = 0;
    std::string s = fmt_fixed(shown, std::min(decimals, 6));
    return axis.percent ? s + "%" : s;
}

struct Scale {
    double lo, hi, a, b;  // data range, pixel range
    bool log;
    double operator()(double v) const {
        double t = log ? (std::log10(v) - std::log10(lo)) / (std::log10(hi) - std::log10(lo)) : (v - lo) / (hi - lo);
        return a + t * (b - a);
    }
};

// The data range of an axis and its ticks.
void axis_range(const ChartAxis& axis, std::vector<double> values, double& lo, double& hi, std::vector<double>& ticks) {
    values.erase(std::remove_if(values.begin(), values.end(),
                                [&](double v) { return !std::isfinite(v) || (axis.log && v <= 0); }),
                 values.end());
    if (!axis.categories.empty()) {
        lo = -0.5;
        hi = static_cast<double>(axis.categories.size()) - 0.5;
        for (std::size_t i = 0; i < axis.categories.size(); ++i) ticks.push_back(static_cast<double>(i));
        return;
    }
    lo = values.empty() ? 0 : *std::min_element(values.begin(), values.end());
    hi = values.empty() ? 1 : *std::max_element(values.begin(), values.end());
    if (!axis.ticks.empty()) {
        lo = std::min(lo, *std::min_element(axis.ticks.begin(), axis.ticks.end()));
        hi = std::max(hi, *std::max_element(axis.ticks.begin(), axis.ticks.end()));
    }
    if (std::isfinite(axis.min)) lo = axis.min;
    if (std::isfinite(axis.max)) hi = axis.max;
    if (axis.log) {
        if (!(lo > 0)) lo = 1;
        if (!(hi > lo)) hi = lo * 10;
        if (!axis.ticks.empty()) {
            ticks = axis.ticks;
        } else {
            for (double d = std::pow(10.0, std::floor(std::log10(lo))); d <= hi * 1.0001; d *= 10)
                for (double m : {1.0, 2.0, 5.0})
                    if (d * m >= lo * 0.9999 && d * m <= hi * 1.0001) ticks.push_back(d * m);
        }
        // A little room so end points are not on the frame.
        double pad = (std::log10(hi) - std::log10(lo)) * 0.06;
        if (pad == 0) pad = 0.3;
        if (!std::isfinite(axis.min)) lo = std::pow(10.0, std::log10(lo) - pad);
        if (!std::isfinite(axis.max)) hi = std::pow(10.0, std::log10(hi) + pad);
        return;
    }
    if (hi <= lo) {
        double d = lo == 0 ? 1 : std::fabs(lo) * 0.05;
        lo -= d, hi += d;
    }
    if (!axis.ticks.empty()) {
        ticks = axis.ticks;
        return;
    }
    double step = nice_step(hi - lo, 5);
    if (axis.integer) step = std::max(1.0, std::round(step));
    if (!std::isfinite(axis.min)) lo = std::floor(lo / step + 1e-9) * step;
    if (!std::isfinite(axis.max)) hi = std::ceil(hi / step - 1e-9) * step;
    if (hi <= lo) hi = lo + step;
    for (double t = std::ceil(lo / step - 1e-9) * step; t <= hi + step * 1e-6; t += step) ticks.push_back(t);
}

double tick_step(const std::vector<double>& ticks) {
    double step = 0;
    for (std::size_t i = 1; i < ticks.size(); ++i) {
        double d = std::fabs(ticks[i] - ticks[i - 1]);
        if (d > 0 && (step == 0 || d < step)) step = d;
    }
    return step;
}

}  // namespace

std::string palette_color(std::size_t index) {
    static const char* const colors[] = {"#1f77b4", "#e8590c", "#2b9348", "#c92a2a", "#7048e8",
                                         "#8c564b", "#d6336c", "#495057", "#a89f00", "#0c8599"};
    static const char* const darker[] = {"#0b3d66", "#8a3206", "#15522a", "#7a1414", "#3b1f99",
                                         "#4e2f28", "#85163e", "#212529", "#5c5700", "#064a56"};
    return index < 10 ? colors[index] : darker[index % 10];
}

std::vector<double> nice_ticks(double lo, double hi, int count) {
    std::vector<double> ticks;
    double step = nice_step(hi - lo, count);
    for (double t = std::ceil(lo / step - 1e-9) * step; t <= hi + step * 1e-6; t += step) ticks.push_back(t);
    return ticks;
}

std::vector<double> log_ticks(const std::vector<double>& values) {
    double lo = INFINITY, hi = 0;
    for (double v : values)
        if (std::isfinite(v) && v > 0) lo = std::min(lo, v), hi = std::max(hi, v);
    if (!(hi > 0)) return {};
    std::vector<double> all;
    for (double d = std::pow(10.0, std::floor(std::log10(lo)) - 1); d <= hi * 100; d *= 10)
        for (double m : {1.0, 2.0, 5.0}) all.push_back(d * m);
    std::size_t first = 0;
    while (first + 1 < all.size() && all[first + 1] <= lo * 1.0001) ++first;
    std::vector<double> ticks;
    for (std::size_t i = first; i < all.size(); ++i) {
        ticks.push_back(all[i]);
        if (all[i] >= hi * 0.9999) break;
    }
    return ticks;
}

namespace {

// An axis label, with where the axis starts when asked and it is not 0.
std::string axis_label(const ChartAxis& axis, double lo, double step) {
    if (!axis.say_start || axis.log || !axis.categories.empty() || std::fabs(lo) < 1e-12) return axis.label;
    return axis.label + " (axis starts at " + tick_label(lo, axis, step) + ", not 0)";
}

// Where things go: the plot area, with the legend to its right.
struct Layout {
    double legend_w, left, right, top, bottom, width, height, pw, ph;
};

// Legend size: one row per series to the right of the plot.
Layout layout_of(const LineChart& c) {
    std::size_t longest = c.legend_title.size();
    for (const ChartSeries& s : c.series) longest = std::max(longest, s.name.size());
    Layout l;
    l.legend_w = std::min(330.0, 34.0 + 6.6 * static_cast<double>(longest));
    l.left = 66, l.right = l.legend_w + 18, l.top = 34, l.bottom = 50;
    const double legend_h = 22.0 + 18.0 * static_cast<double>(c.series.size());
    l.height = std::max<double>(c.height, l.top + legend_h + 10);
    l.width = c.width;
    l.pw = l.width - l.left - l.right, l.ph = l.height - l.top - l.bottom;
    return l;
}

// The axes' data ranges, ticks and scales, from the series that set them.
struct Axes {
    double xlo, xhi, ylo, yhi;
    std::vector<double> xticks, yticks;
    Scale X, Y;
    double xstep, ystep;
};

Axes axes_of(const LineChart& c, const Layout& l) {
    std::vector<double> xs, ys;
    bool any_sets_range = false;
    for (const ChartSeries& s : c.series) any_sets_range |= s.sets_range;
    for (const ChartSeries& s : c.series) {
        if (any_sets_range && !s.sets_range) continue;
        xs.insert(xs.end(), s.x.begin(), s.x.end());
        ys.insert(ys.end(), s.y.begin(), s.y.end());
        ys.insert(ys.end(), s.lo.begin(), s.lo.end());
        ys.insert(ys.end(), s.hi.begin(), s.hi.end());
    }
    Axes a;
    axis_range(c.x, xs, a.xlo, a.xhi, a.xticks);
    axis_range(c.y, ys, a.ylo, a.yhi, a.yticks);
    a.X = Scale{a.xlo, a.xhi, l.left, l.left + l.pw, c.x.log};
    a.Y = Scale{a.ylo, a.yhi, l.top + l.ph, l.top, c.y.log};
    a.xstep = tick_step(a.xticks), a.ystep = tick_step(a.yticks);
    return a;
}

// The svg element, background, title and clip path of the plot area.
void draw_frame(std::ostringstream& o, const LineChart& c, const Layout& l) {
    const std::string id = xml_escape(c.id);
    o << "<svg" << (c.standalone ? " xmlns=\"http://www.w3.org/2000/svg\"" : "")
      << " class=\"chart\" role=\"img\" width=\"" << num(l.width)
      << "\" height=\"" << num(l.height) << "\" viewBox=\"0 0 " << num(l.width) << " " << num(l.height)
      << "\" font-family=\"sans-serif\" font-size=\"12\">\n";
    o << "<title>" << xml_escape(c.title) << "</title>\n";
    o << "<defs><clipPath id=\"" << id << "-plot\"><rect x=\"" << num(l.left) << "\" y=\"" << num(l.top)
      << "\" width=\"" << num(l.pw) << "\" height=\"" << num(l.ph) << "\"/></clipPath></defs>\n";
    o << "<rect x=\"0\" y=\"0\" width=\"" << num(l.width) << "\" height=\"" << num(l.height)
      << "\" fill=\"#ffffff\"/>\n";
    o << "<text x=\"" << num(l.left) << "\" y=\"20\" font-size=\"14\" font-weight=\"bold\" fill=\"#212529\">"
      << xml_escape(c.title) << "</text>\n";
}

// Grid and ticks, the plot's border and the axis labels.
void draw_axes(std::ostringstream& o, const LineChart& c, const Layout& l, const Axes& a) {
    auto in_y = [&](double t) { return t >= a.ylo - 1e-12 && t <= a.yhi + 1e-12; };
    auto in_x = [&](double t) { return t >= a.xlo - 1e-12 && t <= a.xhi + 1e-12; };
    o << "<g stroke=\"#e9ecef\" stroke-width=\"1\">\n";
    for (double t : a.yticks)
        if (in_y(t))
            o << "<line x1=\"" << num(l.left) << "\" x2=\"" << num(l.left + l.pw) << "\" y1=\"" << num(a.Y(t))
              << "\" y2=\"" << num(a.Y(t)) << "\"/>\n";
    for (double t : a.xticks)
        if (in_x(t))
            o << "<line y1=\"" << num(l.top) << "\" y2=\"" << num(l.top + l.ph) << "\" x1=\"" << num(a.X(t))
              << "\" x2=\"" << num(a.X(t)) << "\"/>\n";
    o << "</g>\n";
    o << "<g fill=\"#495057\" font-size=\"11\">\n";
    for (double t : a.yticks)
        if (in_y(t))
            o << "<text x=\"" << num(l.left - 6) << "\" y=\"" << num(a.Y(t) + 4) << "\" text-anchor=\"end\">"
              << xml_escape(tick_label(t, c.y, a.ystep)) << "</text>\n";
    for (double t : a.xticks)
        if (in_x(t))
            o << "<text x=\"" << num(a.X(t)) << "\" y=\"" << num(l.top + l.ph + 16) << "\" text-anchor=\"middle\">"
              << xml_escape(tick_label(t, c.x, a.xstep)) << "</text>\n";
    o << "</g>\n";
    o << "<rect x=\"" << num(l.left) << "\" y=\"" << num(l.top) << "\" width=\"" << num(l.pw) << "\" height=\""
      << num(l.ph) << "\" fill=\"none\" stroke=\"#adb5bd\"/>\n";
    o << "<text x=\"" << num(l.left + l.pw / 2) << "\" y=\"" << num(l.height - 10)
      << "\" text-anchor=\"middle\" fill=\"#212529\">" << xml_escape(axis_label(c.x, a.xlo, a.xstep)) << "</text>\n";
    o << "<text transform=\"translate(16 " << num(l.top + l.ph / 2)
      << ") rotate(-90)\" text-anchor=\"middle\" fill=\"#212529\">" << xml_escape(axis_label(c.y, a.ylo, a.ystep))
      << "</text>\n";
}

std::string series_color(const LineChart& c, std::size_t i) {
    return c.series[i].color.empty() ? palette_color(i) : c.series[i].color;
}

// Bands and error bars first, then lines (emphasised last, on top), each point with a tooltip.
void draw_series(std::ostringstream& o, const LineChart& c, const Axes& a) {
    auto ok = [&](double x, double y) {
        return std::isfinite(x) && std::isfinite(y) && (!c.x.log || x > 0) && (!c.y.log || y > 0);
    };
    o << "<g clip-path=\"url(#" << xml_escape(c.id) << "-plot)\">\n";
    for (std::size_t i = 0; i < c.series.size(); ++i) {
        const ChartSeries& s = c.series[i];
        if (s.lo.size() != s.x.size() || s.hi.size() != s.x.size()) continue;
        if (s.error_bars) {
            o << "<g stroke=\"" << xml_escape(series_color(c, i)) << "\" stroke-width=\"1.4\" class=\"errorbars\">\n";
            for (std::size_t k = 0; k < s.x.size(); ++k) {
                if (!ok(s.x[k], s.lo[k]) || !ok(s.x[k], s.hi[k])) continue;
                const std::string x = num(a.X(s.x[k])), x0 = num(a.X(s.x[k]) - 4), x1 = num(a.X(s.x[k]) + 4);
                const std::string lo = num(a.Y(s.lo[k])), hi = num(a.Y(s.hi[k]));
                o << "<path d=\"M" << x << " " << lo << "V" << hi << "M" << x0 << " " << lo << "H" << x1 << "M" << x0
                  << " " << hi << "H" << x1 << "\"/>\n";
            }
            o << "</g>\n";
            continue;
        }
        std::string fwd, back;
        for (std::size_t k = 0; k < s.x.size(); ++k) {
            if (!ok(s.x[k], s.lo[k]) || !ok(s.x[k], s.hi[k])) continue;
            fwd += num(a.X(s.x[k])) + "," + num(a.Y(s.hi[k])) + " ";
            back = num(a.X(s.x[k])) + "," + num(a.Y(s.lo[k])) + " " + back;
        }
        if (!fwd.empty())
            o << "<polygon points=\"" << fwd << back << "\" fill=\"" << xml_escape(series_color(c, i))
              << "\" fill-opacity=\"0.15\" stroke=\"none\"/>\n";
    }
    std::vector<std::size_t> order;
    for (std::size_t i = 0; i < c.series.size(); ++i)
        if (!c.series[i].emphasis) order.push_back(i);
    for (std::size_t i = 0; i < c.series.size(); ++i)
        if (c.series[i].emphasis) order.push_back(i);
    for (std::size_t i : order) {
        const ChartSeries& s = c.series[i];
        const std::string color = xml_escape(series_color(c, i));
        const double w = s.emphasis ? 3.2 : s.dashed ? 1.3 : 1.8;
        const bool dash = s.dashed || i >= 10;
        std::string points;
        auto flush = [&] {
            if (!points.empty())
                o << "<polyline points=\"" << points << "\" fill=\"none\" stroke=\"" << color << "\" stroke-width=\""
                  << num(w) << "\" stroke-linejoin=\"round\"" << (dash ? (s.dashed ? " stroke-dasharray=\"4 3\"" : " stroke-dasharray=\"6 3\"") : "")
                  << "/>\n";
            points.clear();
        };
        for (std::size_t k = 0; k < s.x.size() && k < s.y.size(); ++k) {
            if (!ok(s.x[k], s.y[k])) { flush(); continue; }
            points += num(a.X(s.x[k])) + "," + num(a.Y(s.y[k])) + " ";
        }
        flush();
        for (std::size_t k = 0; k < s.x.size() && k < s.y.size(); ++k) {
            if (!ok(s.x[k], s.y[k])) continue;
            std::string xs_label = c.x.categories.empty() ? tick_label(s.x[k], ChartAxis{}, 0.001)
                                                          : tick_label(s.x[k], c.x, 1);
            auto value = [&](double v) { return c.y.percent ? fmt_percent(v, 2) : fmt_fixed(v, 4); };
            std::string tip = s.name + ": " + c.x.label + " " + xs_label + ", " + c.y.label + " " + value(s.y[k]);
            if (k < s.lo.size() && k < s.hi.size() && std::isfinite(s.lo[k]) && std::isfinite(s.hi[k]))
                tip += " (" + value(s.lo[k]) + " to " + value(s.hi[k]) + ")";
            o << "<circle cx=\"" << num(a.X(s.x[k])) << "\" cy=\"" << num(a.Y(s.y[k])) << "\" r=\""
              << (s.emphasis ? "3.2" : s.dashed ? "1.8" : "2.4") << "\" fill=\"" << (s.dashed ? "#ffffff" : color)
              << "\" stroke=\"" << color << "\"><title>" << xml_escape(tip)
              << "</title></circle>\n";
        }
    }
    o << "</g>\n";
}

// Legend: a row per series, long names cut at a character boundary.
void draw_legend(std::ostringstream& o, const LineChart& c, const Layout& l) {
    const double lx = l.left + l.pw + 16;
    double ly = l.top + 4;
    o << "<g font-size=\"11\" fill=\"#212529\">\n";
    if (!c.legend_title.empty()) {
        o << "<text x=\"" << num(lx) << "\" y=\"" << num(ly + 8) << "\" font-weight=\"bold\">" << xml_escape(c.legend_title)
          << "</text>\n";
        ly += 18;
    }
    const std::size_t max_chars = static_cast<std::size_t>((l.legend_w - 34) / 6.6 + 1e-9);  // 24.0 is 24
    for (std::size_t i = 0; i < c.series.size(); ++i) {
        const ChartSeries& s = c.series[i];
        const std::string color = xml_escape(series_color(c, i));
        std::string name = s.name;
        if (name.size() > max_chars) {
            std::size_t cut = max_chars - 1;
            while (cut > 0 && (static_cast<unsigned char>(name[cut]) & 0xc0) == 0x80) --cut;  // UTF-8 boundary
            name = name.substr(0, cut) + "\xe2\x80\xa6";
        }
        o << "<g><title>" << xml_escape(s.name) << "</title><line x1=\"" << num(lx) << "\" x2=\"" << num(lx + 22)
          << "\" y1=\"" << num(ly + 4) << "\" y2=\"" << num(ly + 4) << "\" stroke=\"" << color << "\" stroke-width=\""
          << (s.emphasis ? "3.2" : s.dashed ? "1.3" : "2") << "\""
          << (s.dashed ? " stroke-dasharray=\"4 3\"" : i >= 10 ? " stroke-dasharray=\"6 3\"" : "") << "/><text x=\""
          << num(lx + 28) << "\" y=\"" << num(ly + 8) << "\"" << (s.emphasis ? " font-weight=\"bold\"" : "") << ">"
          << xml_escape(name) << "</text></g>\n";
        ly += 18;
    }
    o << "</g>\n";
}

}  // namespace

std::string render_svg(const LineChart& c) {
    const Layout layout = layout_of(c);
    const Axes axes = axes_of(c, layout);
    std::ostringstream o;
    draw_frame(o, c, layout);
    draw_axes(o, c, layout, axes);
    draw_series(o, c, axes);
    draw_legend(o, c, layout);
    o << "</svg>\n";
    return o.str();
}

}  // namespace soma
